//! `/privacy`: the privacy notice. It must stay true: update it with every feature that stores
//! or logs something new.

use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use crate::pages::{Ctx, html};
use crate::ui::{Crumb, Page, PageHeading, render_document};

pub async fn show(ctx: Ctx) -> Response {
    html(StatusCode::OK, render_document(&ctx.page(), notice))
}

fn notice() -> impl IntoView {
    view! {
        <Page title="Privacy notice" breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::current("Privacy notice")]>
            <PageHeading
                text="Privacy notice"
                lead="Quorum collects only what it needs to work, keeps it only as long as it needs it, and never tracks you."
            />
            <h2>"Who is responsible for your data"</h2>
            <p>"Each Quorum is run by an organisation or a person, who controls the data it holds. Ask them for their contact details and the legal basis they rely on."</p>
            <h2>"What Quorum records"</h2>
            <ul class="q-list q-list--bullet">
                <li>"What you write and decide in your groups, for the members who may see it."</li>
                <li>"Your groups: which you belong to, your role, when you joined, and any introduction you wrote when asking to join. Members of a group see who its members are; nobody else does, whatever the group’s privacy."</li>
                <li>"Invitations: the email address someone invited, their message, who sent it and when it was accepted. Only a scrambled (hashed) form of the link is kept."</li>
                <li>"What happened in each group (who joined, who left, who changed its settings), shown to its members."</li>
                <li>"Threads and comments you write, and their earlier versions when they are edited, for everyone who may read the thread. A deleted comment’s words and versions are removed at once; a deleted thread is kept for 30 days so that an admin can restore it, then removed for good."</li>
                <li>"Files you attach to threads, comments, polls and outcomes, with their names and, for an image, the words you give it, for everyone who may read the post: each time, Quorum checks they still may. Images are encoded again when you attach them, which removes the camera, time and place a photo holds. A file goes with its comment, or when you take it off a post, and from storage within a minute; a file you chose but did not post goes after a day."</li>
                <li>"The reactions you give (others see how many, not who), and which comments of each thread you have read, so that Quorum can show you what is new. Only you see what you have read."</li>
                <li>"Your votes. In an ordinary poll, your current vote, its reason and your earlier votes (when you change it) are shown to everyone who may read the poll, unless results are hidden until you vote or until it closes. In a secret ballot, Quorum records that you voted and, apart from it, a ballot with no name and no time: nothing links the two, so nobody, admins and the people who run Quorum included, can tell how you voted, and a secret ballot cannot be changed."</li>
                <li>"Your time zone, if you choose one, to show times in it."</li>
                <li>"Your handle, made from your name the first time you choose one. A member who types it in a comment sends you an email with that comment."</li>
                <li>"Your email address, the name you choose and, if you set one, a scrambled (hashed) form of your password."</li>
                <li>"Where you are signed in: the kind of browser and system (such as “Firefox on Linux”), when you signed in and when you were last active. You can see and end these sessions on your account page."</li>
                <li>"When a session ends, a note of whose it was, for a day; and if you send a form after your session has ended, what you sent, for a day at most, so that you can send it once you have signed in again in the same browser. Nobody else can see it, and it is removed when you look at it or when the day is over. Forms with a password are never kept."</li>
                <li>"A security log of sign-ins and of what group admins do (settings, roles, removals, requests, invitations, and moving, editing or deleting others’ threads, polls and comments): the time, the outcome, whom it was done to, a short description such as the old and new setting, the network (IP) address, and a keyed scrambled form of the email address, never the address itself. A group’s admins can read their group’s part of it, without network addresses. It is kept for 400 days, or for the period the people who run Quorum set, then deleted."</li>
                <li>"For each request to the server: the time, the page asked for (without anything after a question mark), the result and how long it took. These lines are kept to keep the service working and safe."</li>
            </ul>
            <h2>"Cookies"</h2>
            <p>"Quorum sets only cookies it needs to work, and none that track you:"</p>
            <ul class="q-list q-list--bullet">
                <li>"one that protects your forms from being sent by other websites;"</li>
                <li>"one that keeps you signed in, until you sign out or end the session;"</li>
                <li>"one that lasts an hour while you sign in, so the code from your email works in the browser you asked from;"</li>
                <li>"one that lasts a day after you open an invitation while signed out, so that you come back to it after signing in;"</li>
                <li>"one that lasts a day after you send a form when your session has ended, so that only this browser can get back what you sent."</li>
            </ul>
            <p>"Quorum does not use tracking, analytics, advertising, web fonts or content from other websites."</p>
            <h2>"Your rights"</h2>
            <p>"You can ask to see, correct, download or delete the data held about you. When you delete your account, what you wrote stays with your groups under the name “Deleted account”, so that their discussions still make sense."</p>
            <h2>"Keeping your data safe"</h2>
            <p>"Sign-in links, codes and session identifiers are stored only in a scrambled (hashed) form and never written to logs. Every page is sent over an encrypted connection when Quorum is run on the public internet."</p>
            <h2>"In more detail"</h2>
            <p>
                "Data protection officers and anyone who wants the detail can read "
                <a href="/privacy/facts">"Quorum’s privacy facts"</a>
                ": every kind of personal data it stores, table by table, why, for how long, who can see it, and which services it reaches."
            </p>
        </Page>
    }
}
