import type { ProvidedContext } from 'vitest';
import type { TestProject } from 'vitest/node';

/**
 * Typed `project.provide`: vitest/node's signature does not see our ProvidedContext
 * augmentation (it reads the interface through another declaration chunk), `inject` does.
 */
export function provide<K extends keyof ProvidedContext & string>(
  project: TestProject,
  key: K,
  value: ProvidedContext[K],
): void {
  (project.provide as (key: string, value: unknown) => void)(key, value);
}
