/** llama.cpp's compute backends, as node-llama-cpp's prebuilt binaries from the npm registry offer them. */
export type LlamaBackend = 'cpu' | 'cuda' | 'vulkan' | 'metal';
