/** The headless shell's port on 127.0.0.1 unless `--port` or FLYWHEEL_PORT say another. */
export const DEFAULT_PORT = 7420;
