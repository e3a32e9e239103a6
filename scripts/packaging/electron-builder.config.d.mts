import type { Configuration } from 'electron-builder';
declare const config: Configuration;
export default config;
export declare function publishFeed(env?: NodeJS.ProcessEnv): { provider: 'generic'; url: string }[] | null;
