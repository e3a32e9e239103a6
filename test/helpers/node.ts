import { createNode, type FlywheelNode, type NodeOptions } from '../../src/main/node';
import { tempDir } from './tmp';

/** A real provider node in a temporary data folder, quiet on the console. */
export async function startTestNode(
  options: Partial<NodeOptions> = {},
): Promise<{ node: FlywheelNode; dataDir: string; stop: () => Promise<void> }> {
  const { dir, cleanup } = tempDir('flywheel-node-');
  const node = await createNode({ dataDir: dir, shell: 'headless', consoleLogLevel: 'silent', ...options });
  return {
    node,
    dataDir: dir,
    stop: async () => {
      await node.close();
      cleanup();
    },
  };
}
