use super::*;

#[test]
fn sign_in_account_admin_posts_and_sessions_bypass_the_cache() {
    assert_eq!(bypass("GET", "/t/abc", None), None);
    assert_eq!(bypass("GET", "/", Some("quorum_csrf=x")), None);
    for method in ["HEAD", "POST", "PUT", "DELETE", "PATCH"] {
        assert_eq!(
            bypass(method, "/t/abc", None),
            Some(Bypass::Method),
            "{method}"
        );
    }
    for path in [
        "/sign-in",
        "/sign-in/link/abc",
        "/sign-out",
        "/account",
        "/account/sessions",
        "/admin",
        "/admin/audit",
        "/welcome",
        "/dashboard",
    ] {
        assert_eq!(
            bypass("GET", path, None),
            Some(Bypass::PrivatePath),
            "{path}"
        );
    }
    // Only whole path segments count: a group called "accountants" is public.
    assert_eq!(bypass("GET", "/accountants", None), None);
    for cookie in [
        "quorum_session=abc",
        "quorum_csrf=x; quorum_session=abc",
        "a=1;__Host-quorum_session=abc",
    ] {
        assert_eq!(
            bypass("GET", "/t/abc", Some(cookie)),
            Some(Bypass::Session),
            "{cookie}"
        );
    }
    assert_eq!(bypass("GET", "/t/abc", Some("not_quorum_session=1")), None);
    assert_eq!(
        cookie_value("a=1; quorum_csrf=tok=en; b", "quorum_csrf").as_deref(),
        Some("tok=en")
    );
    assert_eq!(cookie_value("quorum_csrfx=1", "quorum_csrf"), None);
}

#[test]
fn tracking_parameters_leave_the_cache_key() {
    assert_eq!(strip_tracking(""), "");
    assert_eq!(strip_tracking("page=2"), "page=2");
    assert_eq!(
        strip_tracking("utm_source=news&page=2&fbclid=x&UTM_Medium=y&q=a%20b&gclid"),
        "page=2&q=a%20b"
    );
    assert_eq!(strip_tracking("&&page=3&"), "page=3");
}

#[test]
fn only_public_responses_with_a_lifetime_are_kept() {
    assert_eq!(
        lifetime("public, max-age=0, s-maxage=60, stale-while-revalidate=60"),
        Some(Lifetime {
            fresh: 60,
            stale_while_revalidate: 60
        })
    );
    assert_eq!(
        lifetime("public, max-age=31536000, immutable"),
        Some(Lifetime {
            fresh: 31_536_000,
            stale_while_revalidate: 0
        })
    );
    for refused in [
        "no-store",
        "private, max-age=60",
        "public, no-cache, s-maxage=60",
        "public, max-age=0",
        "max-age=60",
        "public",
        "public, s-maxage=nonsense",
        "",
    ] {
        assert_eq!(lifetime(refused), None, "{refused}");
    }
}

#[test]
fn a_copy_is_fresh_then_stale_then_gone() {
    let lifetime = Lifetime {
        fresh: 60,
        stale_while_revalidate: 30,
    };
    assert_eq!(lifetime.freshness(0), Freshness::Fresh);
    assert_eq!(lifetime.freshness(59), Freshness::Fresh);
    assert_eq!(lifetime.freshness(60), Freshness::Stale);
    assert_eq!(lifetime.freshness(89), Freshness::Stale);
    assert_eq!(lifetime.freshness(90), Freshness::Expired);
    assert_eq!(lifetime.kept_for(), 90);
    let forever = Lifetime {
        fresh: u64::MAX,
        stale_while_revalidate: u64::MAX,
    };
    assert_eq!(forever.freshness(u64::MAX - 1), Freshness::Fresh);
}

#[test]
fn responses_with_cookies_or_errors_are_never_stored() {
    let shared = Some("public, s-maxage=60");
    assert!(storable(200, false, shared).is_some());
    assert!(storable(200, true, shared).is_none());
    assert!(storable(404, false, shared).is_none());
    assert!(storable(206, false, shared).is_none());
    assert!(storable(200, false, None).is_none());
    assert!(storable(200, false, Some("no-store")).is_none());
}

#[test]
fn the_rate_limit_counts_per_client_per_window() {
    let limit = RateLimit {
        limit: 3,
        window: 600,
    };
    let (key, left) = limit.slot("203.0.113.9", 1_200_030);
    assert_eq!(key, "sign-in:203.0.113.9:1200000");
    assert_eq!(left, 570);
    assert_eq!(limit.slot("203.0.113.9", 1_200_599).0, key);
    assert_ne!(limit.slot("203.0.113.9", 1_200_600).0, key);
    assert_ne!(limit.slot("203.0.113.10", 1_200_030).0, key);
    assert!(limit.allows(2));
    assert!(!limit.allows(3));
    assert_eq!(wait_words(1), "1 minute");
    assert_eq!(wait_words(60), "1 minute");
    assert_eq!(wait_words(61), "2 minutes");
    assert_eq!(wait_words(570), "10 minutes");
}

#[test]
fn filled_in_values_are_escaped() {
    assert_eq!(
        fill(
            "<p>HINT</p><input value=\"TOKEN\">",
            &[("HINT", "a…@x.org"), ("TOKEN", "\"><script>")]
        ),
        "<p>a…@x.org</p><input value=\"&quot;&gt;&lt;script&gt;\">"
    );
    assert_eq!(escape_html("a&b'c"), "a&amp;b&#39;c");
}
