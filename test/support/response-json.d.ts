// Server tests read JSON bodies loosely and check them with expect(), as when the DOM lib typed
// Response.json() as Promise<any>. Only test/tsconfig.json sees this: src/ keeps Promise<unknown>.
interface Response {
  // biome-ignore lint/suspicious/noExplicitAny: tests read bodies loosely on purpose (see above)
  json(): Promise<any>;
}
