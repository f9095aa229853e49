/** Prometheus scrape endpoint for this process's registry. */
export default defineEventHandler(async (event) => {
  const { registry } = useServices(event).metrics;
  setResponseHeader(event, 'content-type', registry.contentType);
  setResponseHeader(event, 'cache-control', 'no-store');
  return registry.metrics();
});
