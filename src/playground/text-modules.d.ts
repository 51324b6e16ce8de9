// Problem files are bundled into the playground as strings (esbuild's text loader).
declare module "*.matdiff" {
  const text: string;
  export default text;
}
