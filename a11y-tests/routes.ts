// The one list of every page and state the browser suite and the budget check cover. A new
// page is added by adding one entry to routes.json.
import list from './routes.json';

/** Something to do before a state can be seen, as a person would do it. */
export interface Step {
  /** Post `fields` to this path (with the CSRF token, as the page's form would). The answer's
   *  redirect is not followed: what a step needs (a cookie, a Location) is in the answer. */
  path?: string;
  /** The form's answers. Placeholders (see `Route.path`) are filled in; the value "unique"
   *  becomes a new email address; `{n}` becomes the number of the repetition (see `repeat`),
   *  and `{sample}` the n-th of the different comments in `fixtures/comments.json` (a few
   *  hundred characters of markdown each), so that a page of them weighs what varied writing
   *  weighs when compressed. */
  fields?: Record<string, string | string[]>;
  /** Files to send with the form (which is then sent as `multipart/form-data`, as a form with a
   *  file field is): each field's list of files from `fixtures/`, by name. */
  files?: Record<string, string[]>;
  /** Post the same form this many times (1 when absent), `{n}` counting up from `first`; for
   *  states that need many of something, such as a thread with 200 comments. */
  repeat?: number;
  /** The number `{n}` starts from (1 when absent). */
  first?: number;
  /** Read values from the `Location` the answer redirects to, for later steps and the path:
   *  each key (lower-case letters) becomes the placeholder `{key}`, and its value is a regular
   *  expression whose first group is taken. For example `{ "thread": "^/t/([0-9a-f]{32})" }`
   *  after starting a thread, or `{ "comment": "#comment-([0-9a-f]{32})$" }` after posting a
   *  comment. The preparation fails if the answer does not redirect to a matching address. */
  capture?: Record<string, string>;
  /** Sign out. */
  signOut?: boolean;
  /** Sign in as a new person (named "Ann Example"). */
  signIn?: boolean;
  /** Sign in again as the person this preparation signed in first (by an emailed code), for
   *  states that show what someone else did to them. */
  signInAgain?: boolean;
  /** Make the person signed in an operator of the instance (`quorum operator add`). */
  operator?: boolean;
}

export interface Route {
  /** A short unique name: used in test titles and snapshot file names. */
  name: string;
  /** The URL path to open. Placeholders are filled in: `{handle}` is the group handle made for
   *  this state, and each name a `before` step captured (such as `{thread}`) is its value. */
  path: string;
  /** The text of the page's one h1. */
  h1: string;
  /** Served through the edge worker (`QUORUM_EDGE_URL`), in front of the second server, instead
   *  of by the server directly: for the pages the worker answers itself. */
  edge?: boolean;
  /** The page's title before " – Quorum", when it is not the h1 (such as "Search: words" or
   *  "A thread (page 4)"). */
  title?: string;
  /** The HTTP status the state is served with (200 when absent). */
  status?: number;
  /** When present, the state is reached by filling these fields of the page's form and sending
   *  it. An array value ticks several checkboxes of one name; the value "unique" becomes a new
   *  email address each time. A name and value that belong to one of the form's submit buttons
   *  (such as `"intent": "preview"`) press that button instead of the first. */
  submit?: Record<string, string | string[]>;
  /** Files to choose in the form's file fields before sending it (with `submit`): each field's
   *  list of files from `fixtures/`, by name. */
  files?: Record<string, string[]>;
  /** True when the state shows form errors, so its title must start with "Error: ". */
  errorTitle?: boolean;
  /** The action of the form to fill, when the page has several (defaults to the first form
   *  in main). Placeholders are filled in. */
  form?: string;
  /** Sign in first: "new" stops before choosing a name, "named" goes all the way. */
  signedIn?: 'new' | 'named';
  /** What to do first, in order (see `Step`). */
  before?: Step[];
  /** The path is the link in the last email the `before` steps caused: a sign-in link, or an
   *  invitation's; or, for `unsubscribe`, the "Stop email" link of the last email to the person
   *  signed in first. */
  emailLink?: boolean | 'invitation' | 'unsubscribe';
  /** The path is the target of the link on the page `from` (placeholders filled in), after the
   *  `before` steps, whose text is `text`: all the text inside the link, visually hidden parts
   *  included, so it is the link's accessible name ("Reply to your comment, number 1", where the page
   *  shows "Reply"). For pages whose address holds an id. */
  followLink?: { from: string; text: string };
  /** The enhancement script adds to this page's accessibility tree (the dot vote's running
   *  total), so with JavaScript on its tree is kept in `snapshots/<name>-js.aria.yml`. Every
   *  other route's tree with JavaScript on must equal its tree without (see routes.spec.ts). */
  scriptTree?: boolean;
  /** Also keep the page's heading outline ("h2 Comments", one heading a line, times written as
   *  "<time>") as a text snapshot, `snapshots/<name>-outline.txt`, for review. Every route's
   *  outline is checked for skipped levels either way. */
  outline?: boolean;
  /** The page is allowed over the page-weight budget because the link that leads to it, on the
   *  page `on` (placeholders filled in), says how large it is ("about 48 KB"): the budget check
   *  holds that statement to within a third of the bytes actually sent. The printable thread is
   *  the one such page: it is meant to be one page however long the thread. */
  statedSize?: { on: string };
}

export const routes: Route[] = list as Route[];
