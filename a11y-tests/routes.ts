// The one list of every page and state the browser suite and the budget check cover. A new
// page is added by adding one entry to routes.json.
import list from './routes.json';

export interface Route {
  /** A short unique name: used in test titles and snapshot file names. */
  name: string;
  /** The URL path to open. */
  path: string;
  /** The text of the page's one h1. */
  h1: string;
  /** The HTTP status the state is served with (200 when absent). */
  status?: number;
  /** When present, the state is reached by filling these fields of the page's form and sending
   *  it. An array value ticks several checkboxes of one name. */
  submit?: Record<string, string | string[]>;
  /** True when the state shows form errors, so its title must start with "Error: ". */
  errorTitle?: boolean;
}

export const routes: Route[] = list as Route[];
