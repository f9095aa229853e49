import { BaseEnv, ServicesEnv, loadEnv } from '@prospectflow/config';

/** Service URLs for benchmarks (environment first, then `.env`). */
export function benchEnv() {
  return loadEnv(BaseEnv.extend(ServicesEnv.shape));
}

/** Prints a markdown table ready to paste into doc/PERFORMANCE.md. */
export function printTable(title: string, rows: Record<string, string | number>[]): void {
  const headers = Object.keys(rows[0] ?? {});
  console.log(`\n### ${title}\n`);
  console.log(`| ${headers.join(' | ')} |`);
  console.log(`|${headers.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${headers.map((h) => row[h]).join(' | ')} |`);
}
