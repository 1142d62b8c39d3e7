/** `didroute sandbox` (placeholder until the sandbox command lands). */
export async function runSandbox(_args: string[]): Promise<number> {
  process.stderr.write("didroute sandbox: not built yet\n");
  return 1;
}
