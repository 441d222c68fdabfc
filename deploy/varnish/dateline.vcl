# Dateline behind Varnish 7.1 with the xkey vmod (Debian: varnish, varnish-modules).
# docs/deploy.md, "A cache in front: Varnish", says how to run it; what it does:
#
# - Readers' GETs and HEADs are cached for as long as Dateline's s-maxage says: with
#   DATELINE_PURGE_URL pointing here, a page's whole lifetime, never past the next scheduled
#   story or midnight. Every change is purged by the tags it touches (PURGE with an xkey
#   header, from Dateline's own addresses only), so a page is dropped the moment it
#   changes and kept however long nothing it shows does.
# - Staff (a session or CSRF cookie, /admin/, /newsroom/) and every other method pass
#   straight through, never cached; readers' other cookies are dropped, as Dateline's own
#   page cache ignores them.
# - A page past its expiry is fetched again before it is served (no grace) while a server
#   answers; when none does, pages are served stale for up to six hours.
vcl 4.1;

import directors;
import std;
import xkey;

# One entry per `dateline serve`; add each to the director in vcl_init.
backend app1 {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .probe = {
        .url = "/robots.txt";
        .interval = 5s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
        .initial = 3;
    }
}

# Who may purge: the app servers. Keep it to their addresses.
acl purgers {
    "127.0.0.1";
    "::1";
}

# The TLS proxy in front of Varnish (nginx, Caddy), which appends the client's address to
# X-Forwarded-For.
acl tls_proxy {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app1);
}

sub vcl_recv {
    set req.backend_hint = app.backend();

    # Varnish appends the address it was reached from (the TLS proxy's) to X-Forwarded-For;
    # Dateline reads the last entry as the client's (its sign-in lockout), which the TLS
    # proxy put there. Taken off again when the request came from that proxy.
    if (client.ip ~ tls_proxy && req.http.X-Forwarded-For ~ ",") {
        set req.http.X-Forwarded-For = regsub(req.http.X-Forwarded-For, "\s*,[^,]*$", "");
    }

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "PURGE needs an xkey header"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey);
        return (synth(200, "Purged " + req.http.n-gone));
    }

    # Clients may not set the header the servers use to tell Varnish what a page depends on.
    unset req.http.xkey;

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff: the desk, and anyone signed in or with a form open (Dateline's session and
    # CSRF cookies, SESSION_COOKIE_NAME and CSRF_COOKIE_NAME).
    if (req.url ~ "^/(admin|newsroom)(/|$)"
        || req.http.Cookie ~ "(^|;)\s*(sessionid|csrftoken)=[^;\s]"
        || req.http.Authorization) {
        return (pass);
    }
    unset req.http.Cookie;

    # The same page whatever the order of its query (Dateline's cache sorts it too).
    set req.url = std.querysort(req.url);

    # Past its expiry a page is fetched again before it is served: a scheduled story is on
    # the front page on its second. Stale pages only while no server answers.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    }
    return (hash);
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Only what Dateline says any cache may keep: public, with a lifetime, no cookie set.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "public"
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)"
        || beresp.ttl <= 0s) {
        set beresp.ttl = 1s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    set beresp.grace = 6h;
    return (deliver);
}

sub vcl_deliver {
    # The tags are for this cache alone.
    unset resp.http.xkey;
    unset resp.http.n-gone;
}
