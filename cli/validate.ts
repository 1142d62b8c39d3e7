/** `didroute validate` (placeholder until the routing file lands). */
export async function runValidate(_args: string[]): Promise<number> {
  process.stderr.write("didroute validate: not built yet\n");
  return 1;
}
