export declare function packagedPaths(options: {
  appOutDir: string;
  electronPlatform: string;
  productFilename: string;
  executableName: string;
}): { resources: string; electronBinary: string };
export declare function copyAnvil(options: {
  resources: string;
  electronPlatform: string;
  arch: string;
  root?: string;
}): string;
export declare function missingResources(options: {
  resources: string;
  electronPlatform: string;
  arch: string;
  root?: string;
}): string[];
export default function afterPack(context: unknown): Promise<void>;
