//! The rows of one group (and its subgroups) for a group export, and the reads an import makes
//! inside its one write.
//!
//! Strategy: every table a group export holds is described once, in [`EXPORT_TABLES`]: which
//! rows belong to the group and what each exported column holds (text, a number, a yes/no, the
//! row's own id, another exported row's id, or a person). The export (`crate::group_export`)
//! reads the rows through that description and replaces every id by a reference of its own;
//! the import writes them back through the bulk writer from the same description, so the two
//! cannot drift apart. Columns that must never leave the instance (tokens, hashes, IP
//! addresses, the email a pending invitation went to) are simply not described.

use sqlx::Row;

use super::bulk::{Bulk, BulkTx, Value};
use super::{Store, StoreError};
use crate::domain::permissions::{Action, Permit};

/// What an exported column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Bool,
    /// The row's own id, exported as a reference `<prefix>-<n>`.
    Id(&'static str),
    /// The id of an exported row with that prefix, or null (also when it lies outside).
    Ref(&'static str),
    /// An account's id, exported as a reference into the export's list of people.
    Person,
}

/// One exported column.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

/// One exported table: its rows are those `scope` keeps (`$1` is the group's id).
#[derive(Debug)]
pub struct ExportTable {
    pub name: &'static str,
    scope: &'static str,
    order: &'static str,
    pub columns: &'static [Column],
    /// Whether an import gives each row a new `id` the export does not carry.
    pub fresh_id: bool,
}

const fn text(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Text,
    }
}
const fn int(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Int,
    }
}
const fn flag(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Bool,
    }
}
const fn own(prefix: &'static str) -> Column {
    Column {
        name: "id",
        kind: Kind::Id(prefix),
    }
}
const fn refers(name: &'static str, prefix: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Ref(prefix),
    }
}
const fn person(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Person,
    }
}

/// The group and its subgroups.
macro_rules! in_groups {
    () => {
        "(SELECT id FROM groups WHERE id = $1 OR parent_id = $1)"
    };
}
macro_rules! in_threads {
    () => {
        concat!(
            "(SELECT id FROM threads WHERE group_id IN ",
            in_groups!(),
            ")"
        )
    };
}
macro_rules! in_comments {
    () => {
        concat!(
            "(SELECT id FROM comments WHERE thread_id IN ",
            in_threads!(),
            ")"
        )
    };
}
macro_rules! in_polls {
    () => {
        concat!(
            "(SELECT id FROM polls WHERE thread_id IN ",
            in_threads!(),
            ")"
        )
    };
}

/// Every exported table, in the order an import writes them (a row's references first).
pub const EXPORT_TABLES: &[ExportTable] = &[
    ExportTable {
        name: "groups",
        fresh_id: false,
        scope: "id = $1 OR parent_id = $1",
        order: "CASE WHEN id = $1 THEN 0 ELSE 1 END, created_at, id",
        columns: &[
            own("group"),
            text("handle"),
            text("name"),
            text("description"),
            refers("parent_id", "group"),
            text("privacy"),
            text("join_mode"),
            flag("members_start_threads"),
            flag("members_start_polls"),
            flag("members_add_members"),
            flag("members_edit_own_comments"),
            flag("members_delete_own_comments"),
            flag("members_create_subgroups"),
            flag("admins_edit_member_content"),
            person("created_by"),
            int("created_at"),
            int("updated_at"),
        ],
    },
    ExportTable {
        name: "memberships",
        fresh_id: false,
        scope: concat!("group_id IN ", in_groups!()),
        order: "group_id, joined_at, account_id",
        columns: &[
            refers("group_id", "group"),
            person("account_id"),
            text("role"),
            int("joined_at"),
        ],
    },
    ExportTable {
        name: "former_handles",
        fresh_id: false,
        scope: concat!("group_id IN ", in_groups!()),
        order: "handle",
        columns: &[
            text("handle"),
            refers("group_id", "group"),
            int("reserved_until"),
        ],
    },
    ExportTable {
        name: "invitations",
        fresh_id: true,
        // Only accepted ones: a pending invitation names someone who never joined.
        scope: concat!(
            "accepted_at IS NOT NULL AND accepted_by IS NOT NULL AND group_id IN ",
            in_groups!()
        ),
        order: "accepted_at, id",
        columns: &[
            refers("group_id", "group"),
            text("message"),
            person("invited_by"),
            int("created_at"),
            int("sent_at"),
            int("expires_at"),
            int("accepted_at"),
            person("accepted_by"),
            int("revoked_at"),
        ],
    },
    ExportTable {
        name: "threads",
        fresh_id: false,
        scope: concat!("group_id IN ", in_groups!()),
        order: "created_at, id",
        columns: &[
            own("thread"),
            refers("group_id", "group"),
            person("author_id"),
            text("title"),
            text("context"),
            flag("private"),
            int("version"),
            int("comment_seq"),
            int("created_at"),
            int("edited_at"),
            int("last_activity_at"),
            int("closed_at"),
            person("closed_by"),
            int("pinned_at"),
            int("deleted_at"),
            person("deleted_by"),
        ],
    },
    ExportTable {
        name: "thread_versions",
        fresh_id: false,
        scope: concat!("thread_id IN ", in_threads!()),
        order: "thread_id, version",
        columns: &[
            refers("thread_id", "thread"),
            int("version"),
            text("title"),
            text("context"),
            person("editor_id"),
            int("at"),
        ],
    },
    ExportTable {
        name: "comments",
        fresh_id: false,
        scope: concat!("thread_id IN ", in_threads!()),
        // A reply comes after what it answers, as the import writes them in this order.
        order: "thread_id, seq",
        columns: &[
            own("comment"),
            refers("thread_id", "thread"),
            int("seq"),
            int("root_seq"),
            refers("parent_id", "comment"),
            person("author_id"),
            text("body"),
            int("version"),
            int("created_at"),
            int("edited_at"),
            int("deleted_at"),
        ],
    },
    ExportTable {
        name: "comment_versions",
        fresh_id: false,
        scope: concat!("comment_id IN ", in_comments!()),
        order: "comment_id, version",
        columns: &[
            refers("comment_id", "comment"),
            int("version"),
            text("body"),
            person("editor_id"),
            int("at"),
        ],
    },
    ExportTable {
        name: "reactions",
        fresh_id: false,
        scope: concat!("comment_id IN ", in_comments!()),
        order: "comment_id, created_at, account_id, kind",
        columns: &[
            refers("comment_id", "comment"),
            person("account_id"),
            text("kind"),
            int("created_at"),
        ],
    },
    ExportTable {
        name: "polls",
        fresh_id: false,
        scope: concat!("thread_id IN ", in_threads!()),
        order: "created_at, id",
        columns: &[
            own("poll"),
            refers("thread_id", "thread"),
            person("author_id"),
            text("kind"),
            text("template"),
            text("title"),
            text("details"),
            int("created_at"),
            int("closes_at"),
            int("closed_at"),
            flag("anonymous"),
            text("hide_results"),
            text("reason_mode"),
            int("reason_max"),
            flag("allow_change"),
            flag("voters_only"),
            flag("none_of_the_above"),
            int("min_choices"),
            int("max_choices"),
            int("score_min"),
            int("score_max"),
            int("dot_total"),
            text("method"),
            int("count_target"),
            text("outcome"),
            int("outcome_option"),
            person("outcome_by"),
            int("outcome_at"),
            int("version"),
            int("options_version"),
            int("edited_at"),
            int("reopened_at"),
            int("ballot_version"),
            int("voted_count"),
        ],
    },
    ExportTable {
        name: "poll_options",
        fresh_id: false,
        scope: concat!("poll_id IN ", in_polls!()),
        order: "poll_id, number",
        columns: &[
            refers("poll_id", "poll"),
            int("number"),
            text("label"),
            int("starts_at"),
        ],
    },
    ExportTable {
        name: "poll_versions",
        fresh_id: false,
        scope: concat!("poll_id IN ", in_polls!()),
        order: "poll_id, version",
        columns: &[
            refers("poll_id", "poll"),
            int("version"),
            text("change"),
            text("title"),
            text("details"),
            int("closes_at"),
            text("options"),
            text("template"),
            flag("none_of_the_above"),
            int("min_choices"),
            int("max_choices"),
            int("score_min"),
            int("score_max"),
            int("dot_total"),
            text("method"),
            int("count_target"),
            person("editor_id"),
            int("at"),
            text("earlier_outcome"),
            int("earlier_outcome_option"),
            person("earlier_outcome_by"),
            int("earlier_outcome_at"),
        ],
    },
    ExportTable {
        name: "poll_voters",
        fresh_id: false,
        scope: concat!("poll_id IN ", in_polls!()),
        order: "poll_id, account_id",
        columns: &[refers("poll_id", "poll"), person("account_id")],
    },
    ExportTable {
        name: "poll_participants",
        fresh_id: false,
        scope: concat!("poll_id IN ", in_polls!()),
        order: "poll_id, voted_at, account_id",
        columns: &[
            refers("poll_id", "poll"),
            person("account_id"),
            int("voted_at"),
        ],
    },
    ExportTable {
        name: "ballots",
        fresh_id: true,
        // In the order of their random ids: a secret ballot's place says nothing of its voter.
        // A poll whose results are hidden until it closes keeps its ballots out of the export
        // while it is open, as its page keeps them from everyone, admins included.
        scope: concat!(
            "poll_id IN (SELECT id FROM polls WHERE (hide_results = 'never' OR closed_at IS NOT NULL) AND id IN ",
            in_polls!(),
            ")"
        ),
        order: "poll_id, id",
        columns: &[
            refers("poll_id", "poll"),
            person("voter_id"),
            int("cast_at"),
            text("marks"),
            text("reason"),
            int("replaced_at"),
        ],
    },
    ExportTable {
        name: "group_activity",
        fresh_id: true,
        scope: concat!("group_id IN ", in_groups!()),
        order: "at, id",
        columns: &[
            refers("group_id", "group"),
            int("at"),
            person("actor_id"),
            text("kind"),
            refers("subject_group_id", "group"),
            refers("thread_id", "thread"),
            refers("comment_id", "comment"),
            refers("poll_id", "poll"),
        ],
    },
    ExportTable {
        name: "audit_events",
        fresh_id: true,
        // Never the email hash or IP address a line may hold.
        scope: concat!("group_id IN ", in_groups!()),
        order: "at, id",
        columns: &[
            int("at"),
            text("action"),
            text("outcome"),
            person("account_id"),
            refers("group_id", "group"),
            person("subject_id"),
            text("detail"),
        ],
    },
];

/// A person a group export names.
#[derive(Debug, Clone)]
pub struct ExportPerson {
    pub email: String,
    pub display_name: Option<String>,
    pub handle: Option<String>,
}

impl Store {
    /// The rows of `table` that belong to the permit's group, each value in the order of
    /// `table.columns`. Asks for the admins' settings permit.
    pub async fn group_export_rows(
        &self,
        permit: &Permit,
        table: &ExportTable,
    ) -> Result<Vec<Vec<Value>>, StoreError> {
        if !permit.is_for(Action::EditSettings) {
            return Err(StoreError::NotPermitted);
        }
        let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        let query = format!(
            "SELECT {} FROM {} WHERE {} ORDER BY {}",
            names.join(", "),
            table.name,
            table.scope,
            table.order
        );
        on_engine!(self, |pool| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(query))
                .bind(permit.group_id())
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let mut values = Vec::with_capacity(table.columns.len());
                for (i, column) in table.columns.iter().enumerate() {
                    values.push(match column.kind {
                        Kind::Int => row.try_get::<Option<i64>, _>(i)?.into(),
                        Kind::Bool => Value::Bool(row.try_get::<bool, _>(i)?),
                        _ => row.try_get::<Option<String>, _>(i)?.into(),
                    });
                }
                out.push(values);
            }
            Ok(out)
        })
    }

    /// The email, name and handle of the account `account_id`, if it still exists.
    pub async fn export_person(
        &self,
        account_id: &str,
    ) -> Result<Option<ExportPerson>, StoreError> {
        on_engine!(self, |pool| {
            let row: Option<(String, Option<String>, Option<String>)> =
                sqlx::query_as("SELECT email, display_name, handle FROM accounts WHERE id = $1")
                    .bind(account_id)
                    .fetch_optional(pool)
                    .await?;
            Ok(row.map(|(email, display_name, handle)| ExportPerson {
                email,
                display_name,
                handle,
            }))
        })
    }
}

macro_rules! on_bulk {
    ($bulk:expr, |$tx:ident| $body:expr) => {
        match &mut $bulk.tx {
            BulkTx::Sqlite($tx) => $body,
            BulkTx::Postgres($tx) => $body,
        }
    };
}

impl Bulk {
    /// The id of the account with the (lower-case) `email`, read inside this write.
    pub async fn account_by_email(&mut self, email: &str) -> Result<Option<String>, StoreError> {
        on_bulk!(self, |tx| {
            Ok(
                sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1")
                    .bind(email)
                    .fetch_optional(&mut **tx)
                    .await?,
            )
        })
    }

    /// Whether an account has the handle `handle`.
    pub async fn person_handle_taken(&mut self, handle: &str) -> Result<bool, StoreError> {
        on_bulk!(self, |tx| {
            Ok(sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM accounts WHERE lower(handle) = lower($1))",
            )
            .bind(handle)
            .fetch_one(&mut **tx)
            .await?)
        })
    }

    /// Whether a group has, or keeps reserved, the handle `handle`.
    pub async fn group_handle_taken(&mut self, handle: &str) -> Result<bool, StoreError> {
        on_bulk!(self, |tx| {
            Ok(sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM groups WHERE handle = lower($1)) \
                 OR EXISTS (SELECT 1 FROM former_handles WHERE handle = lower($1))",
            )
            .bind(handle)
            .fetch_one(&mut **tx)
            .await?)
        })
    }

    /// The handle of the group an export with this digest was imported as, if it was.
    pub async fn imported_as(&mut self, digest: &str) -> Result<Option<String>, StoreError> {
        on_bulk!(self, |tx| {
            Ok(sqlx::query_scalar(
                "SELECT g.handle FROM imports i JOIN groups g ON g.id = i.group_id \
                 WHERE i.source_digest = $1",
            )
            .bind(digest)
            .fetch_optional(&mut **tx)
            .await?)
        })
    }
}
