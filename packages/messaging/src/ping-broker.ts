import amqp from 'amqplib';

/** Readiness probe for processes that do not hold a broker connection: open, then close one. */
export async function pingBroker(url: string, timeoutMs = 2000): Promise<void> {
  const connection = await amqp.connect(url, { timeout: timeoutMs });
  await connection.close();
}
