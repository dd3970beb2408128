//! `quorum operator add|remove|list EMAIL`: who holds the instance operator role.
//!
//! The role is given from the command line only, by whoever runs the instance, so no page can
//! give it. An address that is not one, or that no account has, is refused with one sentence
//! and nothing changes; giving the role twice, or taking it from someone without it, changes
//! nothing and says so. Every change is in the audit log (`operator_added`,
//! `operator_removed`), naming the account by its id, never its address.

use anyhow::bail;
use clap::{Args, Subcommand};

use crate::config::Settings;
use crate::domain::validation::is_email_address;
use crate::store::{AuditEvent, Store, unix_now};

/// `quorum operator`'s commands.
#[derive(Debug, Clone, Args)]
pub struct OperatorArgs {
    #[command(subcommand)]
    pub command: OperatorCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum OperatorCommand {
    /// Give the operator role to the account with this email address.
    Add {
        /// The account's email address; the person must have signed in once.
        email: String,
    },
    /// Take the operator role from the account with this email address.
    Remove { email: String },
    /// List the operators' email addresses.
    List,
}

/// `quorum operator …`.
pub async fn run(settings: Settings, args: OperatorArgs) -> anyhow::Result<()> {
    let store = crate::server::open_store(&settings).await?;
    let outcome = change(&store, &args.command).await;
    store.close().await;
    println!("{}", outcome?);
    Ok(())
}

/// Does the command; what to print.
async fn change(store: &Store, command: &OperatorCommand) -> anyhow::Result<String> {
    let (email, adding) = match command {
        OperatorCommand::List => return list(store).await,
        OperatorCommand::Add { email } => (email, true),
        OperatorCommand::Remove { email } => (email, false),
    };
    let email = email.trim().to_lowercase();
    if !is_email_address(&email) {
        bail!("{email:?} is not an email address; write it like name@example.org");
    }
    let Some(account) = store.account_by_email(&email).await? else {
        bail!("no account has the address {email}; the person must sign in once first");
    };
    let now = unix_now();
    let (changed, action, done, unchanged) = if adding {
        (
            store.add_operator(&account.id, now).await?,
            "operator_added",
            "is now an operator",
            "was an operator already",
        )
    } else {
        (
            store.remove_operator(&account.id).await?,
            "operator_removed",
            "is no longer an operator",
            "was not an operator",
        )
    };
    if !changed {
        return Ok(format!("{email} {unchanged}; nothing changed."));
    }
    let id = crate::auth::token::new_id()?;
    // The account is named by its id alone (subject_id), so that deleting it erases it here too.
    let detail = "from the command line";
    store
        .record_audit(
            &id,
            now,
            &AuditEvent {
                action,
                outcome: "ok",
                account_id: None,
                email_hash: None,
                ip: None,
                group_id: None,
                subject_id: Some(&account.id),
                detail: Some(detail),
            },
        )
        .await?;
    Ok(format!("{email} {done}."))
}

async fn list(store: &Store) -> anyhow::Result<String> {
    let operators = store.operators().await?;
    if operators.is_empty() {
        return Ok("No operators yet: add one with `quorum operator add EMAIL`.".to_string());
    }
    Ok(operators
        .iter()
        .map(|operator| {
            format!(
                "{} (since {})",
                operator.email,
                crate::domain::time::format_utc(operator.added_at)
            )
        })
        .collect::<Vec<_>>()
        .join("\n"))
}
