// The one list of every page and state the browser suite and the budget check cover. A new
// page is added by adding one entry to routes.json.
import list from './routes.json';

export interface Route {
  /** A short unique name: used in test titles and snapshot file names. */
  name: string;
  /** The URL path to open; `{handle}` is the group handle made for this state. */
  path: string;
  /** The text of the page's one h1. */
  h1: string;
  /** The HTTP status the state is served with (200 when absent). */
  status?: number;
  /** When present, the state is reached by filling these fields of the page's form and sending
   *  it. An array value ticks several checkboxes of one name; the value "unique" becomes a new
   *  email address each time. */
  submit?: Record<string, string | string[]>;
  /** True when the state shows form errors, so its title must start with "Error: ". */
  errorTitle?: boolean;
  /** The action of the form to fill, when the page has several (defaults to the first form
   *  in main). */
  form?: string;
  /** Sign in first: "new" stops before choosing a name, "named" goes all the way. */
  signedIn?: 'new' | 'named';
  /** What to do first, as a person would: post `fields` to `path` (`{handle}` in either is this
   *  state's group handle, "unique" a new address), sign out, or sign in as a new person. */
  before?: { path?: string; fields?: Record<string, string>; signOut?: boolean; signIn?: boolean }[];
  /** The path is the link in the last email the `before` steps caused: a sign-in link, or an
   *  invitation's. */
  emailLink?: boolean | 'invitation';
  /** The path is the target of the link with this text on the page `from`, after the `before`
   *  steps (for pages whose address holds an id). */
  followLink?: { from: string; text: string };
}

export const routes: Route[] = list as Route[];
