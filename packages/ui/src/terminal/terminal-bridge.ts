// How other features reach the integrated terminal without loading it: the Terminal feature, while active, puts
// itself here. The agent's run_command runs in a terminal of the engine's when one is here (agent.run's `terminal`),
// and reveals that terminal's tab as the command starts.
import { Observable } from '../workbench/observable';

export interface TerminalBridge {
  /** The size a new terminal starts with (the last one a pane measured). */
  size(): { cols: number; rows: number };
  /** Shows the Terminal view with the engine's terminal `id` as the active tab (taken in if it is not one yet). */
  reveal(id: string): Promise<void>;
}

export const terminalBridge = new Observable<TerminalBridge | null>(null);
