export declare const FUSES: Record<number, boolean>;
export declare function applyFuses(
  electronBinary: string,
  options?: { resetAdHocDarwinSignature?: boolean },
): Promise<Record<number, number | string>>;
