export declare const projectRoot: string;
export type ElectronPlatform = 'linux' | 'darwin' | 'win32';
export declare const TARGETS: Record<
  'linux' | 'mac' | 'win',
  { electronPlatform: ElectronPlatform; formats: string[]; archs: string[] }
>;
export declare function anvilPackage(electronPlatform: string, arch: string): string | null;
export declare function anvilExecutable(electronPlatform: string): string;
export declare function packagedAnvil(electronPlatform: string): string;
export declare function referencePackageFiles(registryFile?: string): { package: string; paths: string[] }[];
export declare function onnxruntimeDir(electronPlatform: string, arch: string): string;
export declare const EXCLUDED_PACKAGES: string[];
