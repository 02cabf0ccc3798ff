-- Prosody 0.12 (Debian 12) for a Cloison organisation. Copy to /etc/prosody/prosody.cfg.lua,
-- replace example.org, and check with `prosodyctl check` (this file, as it is here, passes
-- `prosodyctl --config $PWD/packaging/server/prosody.cfg.lua check config`). Every choice
-- below says why. packaging/server/ejabberd.yml is the same for ejabberd, which clusters.

-- Prosody drops root after binding; never set run_as_root in production.
pidfile = "/run/prosody/prosody.pid"
log = {
  info = "/var/log/prosody/prosody.log";
  error = "/var/log/prosody/prosody.err";
  -- Never log at debug level in production: debug logs contain whole stanzas.
}

-- Listen where clients can reach the server; c2s on 5222 (STARTTLS) and 5223 (direct TLS).
c2s_ports = { 5222 }
c2s_direct_tls_ports = { 5223 }
-- No federation: compartments talk only inside the organisation's own server.
modules_disabled = { "s2s" }
s2s_ports = { }

-- TLS on every client connection; no plaintext fallback.
c2s_require_encryption = true
-- Real certificates (e.g. Let's Encrypt via `prosodyctl --root cert import /etc/letsencrypt/live`)
-- live in /etc/prosody/certs and are found by name. Clients pin the certificate's public key
-- (the provisioning bundle carries its SPKI SHA-256): reuse the key on renewal (certbot
-- --reuse-key) or publish a new bundle before rotating it.
certificates = "certs"
ssl = { protocol = "tlsv1_2+" }

-- Accounts are provisioned by the admin (XEP-0133 through mod_admin_adhoc); nobody registers.
allow_registration = false
authentication = "internal_hashed"
-- Store SCRAM-SHA-256 credentials (0.12 stores SHA-1 unless told; applies to passwords set
-- from now on) and offer nothing weaker: SCRAM-SHA-1 and PLAIN are refused even over TLS.
password_hash = "SHA-256"
disable_sasl_mechanisms = { "PLAIN"; "LOGIN"; "DIGEST-MD5"; "SCRAM-SHA-1"; "SCRAM-SHA-1-PLUS" }
admins = { "admin@example.org" }

-- SQL storage: the default file storage collapses beyond ~10k archived messages. SQLite suits
-- one machine (needs lua-dbi-sqlite3); PostgreSQL (lua-dbi-postgresql) for larger sites.
storage = "sql"
sql = { driver = "SQLite3", database = "prosody.sqlite" }
-- sql = { driver = "PostgreSQL", database = "prosody", username = "prosody", password = "...", host = "localhost" }

-- Disable Nagle's algorithm (TCP_NODELAY) on every connection: small stanzas go out at once.
-- In 0.12 this is `nagle = false` (there is no tcp_nodelay option) and needs the default epoll
-- network backend. The epoll loop reads 8 KiB per round by default, which makes large uploads
-- crawl; 256 KiB reads halved a 50 MB upload's time in Cloison's tests.
network_settings = { nagle = false; read_size = 262144 }

modules_enabled = {
  "roster";      -- contacts (XEP-0237 versioning)
  "saslauth";    -- authentication
  "tls";         -- STARTTLS
  "disco";       -- service discovery (XEP-0030)
  "pep";         -- OMEMO device lists and bundles (XEP-0163)
  "carbons";     -- copies to the user's other devices (XEP-0280)
  "mam";         -- message archive (XEP-0313): offline delivery and catch-up
  "smacks";      -- stream management (XEP-0198): resumption across network changes
  "ping";        -- XEP-0199
  "admin_adhoc"; -- XEP-0133: the admin tool creates and removes accounts
  "private";     -- XEP-0049 (bookmarks of older clients)
  "blocklist";   -- XEP-0191
  "vcard_legacy";
  -- Uploads (XEP-0363, for OMEMO-encrypted documents, XEP-0454) are the component below.
}

-- The archive holds only OMEMO ciphertext, but metadata (who, when) is worth keeping short.
-- Match the organisation's retention policy; clients purge their own copies too.
archive_expires_after = "30d"
default_archive_policy = true -- archive all conversations, so offline devices catch up
-- How long a dropped session stays resumable (seconds).
smacks_hibernation_time = 300

-- Uploads: served over HTTPS on 5281; files are encrypted by the client before upload.
-- Cloison pins the HTTPS server's key with the same pin as the XMPP service: the certificate
-- for upload.example.org must carry the same key as example.org's (one key, several names,
-- or `certbot --reuse-key` with the same key for both), or clients refuse the uploads.
https_ports = { 5281 }
http_ports = { }
http_file_share_size_limit = 100 * 1024 * 1024 -- 100 MiB per file
http_file_share_daily_quota = 1024 * 1024 * 1024 -- per user
http_file_share_expires_after = 30 * 86400 -- seconds; match archive retention

VirtualHost "example.org"

-- Group rooms: members-only and non-anonymous by default. OMEMO in a room needs every
-- occupant's real JID to fetch their devices, and only invited members may join.
Component "rooms.example.org" "muc"
  modules_enabled = { "muc_mam" }
  restrict_room_creation = "local" -- only the organisation's accounts create rooms
  muc_room_default_members_only = true
  muc_room_default_public = false       -- not listed in disco
  muc_room_default_public_jids = true   -- whois = anyone (non-anonymous); 0.12 has no
                                        -- muc_room_default_whois option
  muc_room_default_persistent = true
  muc_room_default_allow_member_invites = false -- the admin manages membership
  muc_log_by_default = true
  muc_log_expires_after = "30d"

-- The upload service, reachable as upload.example.org (needs a certificate for that name).
Component "upload.example.org" "http_file_share"
