/** Unknown `/api/**` paths answer a JSON 404 here instead of going through the page renderer. */
export default defineEventHandler((event) => {
  const path = event.path.split('?')[0];
  throw createError({
    statusCode: 404,
    statusMessage: `No route for ${event.method} ${path}`,
    data: { code: 'route_not_found' },
  });
});
