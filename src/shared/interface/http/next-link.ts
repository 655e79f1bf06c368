/** RFC 8288 link to the next page, keeping the other query parameters. */
export function nextLink(path: string, parameters: Record<string, string | number | undefined>) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined) query.set(name, String(value));
  }
  return `<${path}?${query.toString()}>; rel="next"`;
}
