export interface SecurityFinding {
  issue: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
  reviewed: string | null;
}
export declare function parseCsv(text: string): string[][];
export declare function summarize(
  csvText: string,
  electronVersion: string,
): {
  electronVersion: string;
  high: number;
  medium: number;
  low: number;
  informational: number;
  findings: SecurityFinding[];
};
