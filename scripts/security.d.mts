export interface SecurityFinding {
  /** Electronegativity's check id, or UNREADABLE_LINE for a line of the report that is not a finding. */
  issue: string;
  severity: string;
  confidence: string | null;
  file: string;
  location: string;
  reviewed: string | null;
  /** The raw text of an unreadable line. */
  line?: string;
}
export declare function parseCsv(text: string): string[][];
export declare function splitRecords(text: string): string[];
export declare function summarize(
  csvText: string,
  electronVersion: string,
): {
  electronVersion: string;
  high: number;
  medium: number;
  low: number;
  informational: number;
  unreadable: number;
  findings: SecurityFinding[];
};
