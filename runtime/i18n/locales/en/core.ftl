# Kapsel — core, English. Every id in this file starts with `core-`.

## The error frames (the detail comes from the module that raised the error)
core-error-not-enrolled = no container at { $path }: run `kapsel enroll` first
core-error-already-enrolled = a container already exists at { $path }: run `kapsel wipe` first if you mean to start over
core-error-locked = the container is locked: run `kapsel unlock` first
core-error-wrong-password = wrong password ({ $failures } failed attempt(s); { $remaining } left before the container is { $on_limit })
core-error-back-off = too many failed unlocks: try again in { $seconds } s
core-error-wiped = the container was wiped after { $count } failed unlocks; enrol again to continue
core-error-tampered = integrity error: { $detail } (the container's data was altered or damaged)
core-error-policy = policy refused: { $detail }
core-error-device = device check failed: { $detail }
core-error-not-found = not found: { $detail }
core-error-agent = session agent: { $detail }
core-error-storage = storage error: { $detail }
core-on-limit-wipe = wiped
core-on-limit-lockout = locked out
core-database-damaged = the container's database file is damaged ({ $error })

## Sizes in messages (files)
core-size-mib = { $size } MiB
core-size-kib = { $size } KiB
core-size-bytes = { $size } bytes

## Files the user names on the command line; `what` is e.g. "the policy"
core-file-missing = { $what } { $path } does not exist
core-file-unreadable = cannot read { $what } { $path }
core-file-too-large = { $what } { $path } is too large ({ $size }); the limit is { $limit }
core-file-not-utf8 = { $what } { $path } is not UTF-8 text

## Documents and notifications
core-document-bad-name = { $name } is not a usable document name
core-document-bad-media-type = { $media_type } is not a media type
core-document-not-found = document { $id }
core-document-unreadable = cannot read the document
core-document-too-large = the document is larger than { $limit } bytes
core-document-encode = cannot encode a document record: { $error }
core-document-bad-id = { $id } is not a document id
core-document-malformed = document record { $id } is malformed
core-notification-encode = cannot encode a notification: { $error }

## The container (enrolment, unlock, password change)
core-container-unlock-rules = cannot record the unlock rules: { $error }
core-container-key-missing = the pinned tenant key is missing
core-container-key-unusable = the pinned tenant key is unusable: { $error }
core-container-policy-missing = the installed policy is missing
core-container-policy-not-utf8 = the installed policy is not UTF-8
core-container-policy-unverified = the installed policy no longer verifies: { $error }
core-container-swapped = the pinned tenant key or the installed policy was replaced while the container was locked
core-container-wrong-current-password = the current password is not correct

## The signed policy
core-policy-too-large = the policy is too large ({ $size }); the limit is { $limit }
core-policy-wrong-signer = the policy is signed by { $signer }, but this container is pinned to tenant key { $pinned }
core-policy-altered = the policy's signature does not match its content: it was altered after signing
core-policy-other-tenant = the policy is for tenant { $new }, this container belongs to { $current }
core-policy-serial-older = the policy's serial { $new } is older than the installed serial { $old } (a rollback is never accepted)
core-policy-serial-same = the policy has serial { $serial } like the installed one but different content; raise the serial

## Keys and the signature block
core-key-secret-prefix = a secret key starts with { $prefix }
core-key-secret-not-base64 = the secret key is not base64
core-key-secret-length = the secret key must be 32 bytes
core-key-public-prefix = a public key starts with { $prefix }
core-key-public-not-base64 = the public key is not base64
core-key-public-length = the public key must be 32 bytes
core-key-public-invalid = the public key is not a valid Ed25519 point
core-signature-not-base64 = the signature is not base64
core-signature-length = the signature has the wrong length
core-signature-mismatch = the signature does not match the content: it was altered after signing
core-signature-unsigned = the policy is not signed (no KAPSEL SIGNATURE block); sign it with `kapsel tenant sign`
core-signature-unclosed = the signature block is not closed
core-signature-trailing = there is text after the signature block: it is not covered by the signature
core-signature-no-key = the signature block names no key
core-signature-missing = the signature block has no signature
core-signature-key-unusable = the signing key is unusable: { $error }

## Policy fields (TOML key names stay as they are)
core-password-too-short = the password has { $length } characters; the tenant requires at least { $min }
core-password-too-simple = the password mixes { $classes } kinds of characters (lower case, upper case, digits, others); the tenant requires { $min }
core-time-of-day-bad = { $text } is not a time of day (HH:MM)
core-policy-credential-form = expected "basic", "bearer" or {"{"} kind = "basic", paths = ["/prefix/"] {"}"}
core-policy-app-engine-expected = "native" or "interpreter"
core-policy-app-engine = app_host.engine = { $value } is not an engine: expected "native" (machine code compiled at install) or "interpreter" (no machine code generated at run time, for iOS and hardened Android)
core-policy-invalid = the policy is not valid: { $error }
core-policy-tenant-id = tenant.id { $id } must be 1-64 of a-z, 0-9, -
core-policy-clipboard = dlp.clipboard = true: Kapsel never copies out of the container; remove it
core-policy-export-files = dlp.export_files = true: Kapsel never writes outside the container; remove it
core-policy-notifications-locked = dlp.notifications_locked may be "none" or "count": sender and subject are never shown while locked
core-policy-max-failed = lock.max_failed_unlocks must be between 1 and 1000
core-policy-idle-minutes = lock.idle_minutes must be between 1 and 1440
core-policy-password-rules = password.min_length must be at least 8 and password.min_classes at most 4
core-policy-sync-interval = sync.min_interval_minutes must be at least 1 and not above sync.max_interval_minutes
core-policy-sync-window = sync.earliest must be before sync.latest
core-policy-publisher = publisher { $name }: { $error }
core-policy-binary-digest = integrity.binary_sha256 entry { $digest } is not a SHA-256 hex digest
core-policy-plaintext-host = tls.plaintext_hosts entry { $host } must name one host
core-policy-directory-max-results = directory.max_results must be between 1 and 5000
core-policy-directory-time-limit = directory.time_limit_seconds must be between 1 and 120
core-policy-directory-service-dn = directory.bind = "service" needs directory.service_dn
core-policy-directory-attribute = directory.attributes.{ $field } = { $attribute } is not an LDAP attribute name
core-policy-app-publisher = apps.{ $id }.publisher = { $name } names no [[publishers]] entry
core-policy-app-id = an app id is 1-64 of a-z, 0-9, - (not starting with -)
core-policy-credential-path = http_credentials: the path prefix { $prefix } for { $origin } must start with / and not contain ..
core-policy-credential-plain-http = http_credentials: credentials are never sent over plain http ({ $origin }); use https or name the host in tls.plaintext_hosts

## The vault: key derivation, sealing, schema, files
core-kdf-below-minimum = Argon2id parameters m={ $memory } KiB, t={ $iterations }, p={ $parallelism } are below the minimum m={ $min_memory } KiB, t={ $min_iterations }, p={ $min_parallelism }
core-kdf-too-large = Argon2id parameters are implausibly large
core-kdf-rejected = Argon2id parameters rejected: { $error }
core-kdf-failed = key derivation failed: { $error }
core-kdf-salt = the key wrap's salt is malformed
core-kdf-wrap-missing = the key wrap is missing or unreadable
core-kdf-all-copies-damaged = the password is right, but every copy of the wrapped key is damaged
core-kdf-unverifiable = every copy of the key wrap is damaged; the password could not be checked
core-seal-unauthentic = { $table }.{ $column } for this row does not authenticate
core-schema-newer = the container was written by a newer Kapsel (schema { $have }, this build knows { $known }); update kapsel
core-vault-wal-refused = the vault database refused WAL mode ({ $mode })
core-vault-create-folder = cannot create the container folder { $path }
core-vault-create-db = cannot create the vault database
core-vault-wrap-missing = the key wrap is missing
core-vault-key-record-damaged = { $reason }. The container's key record was altered or damaged; this attempt was not counted. Your helpdesk can restore the container or enrol you again
core-vault-meta-not-number = meta value { $name } is not a number
core-vault-key-not-utf8 = a record key is not UTF-8
core-vault-bad-namespace = invalid vault namespace { $namespace }
core-vault-set-mode = cannot set permissions on { $path }
core-io-cannot-open = cannot open { $path }
core-io-cannot-create = cannot create { $path }
core-io-cannot-remove = cannot remove { $path }
core-io-cannot-sync = cannot sync { $path }
core-io-cannot-list = cannot list { $path }

## Sealed blobs
core-blob-bad-id = { $id } is not a blob id
core-blob-create = cannot create a blob file
core-blob-write = cannot write a blob file
core-blob-writer-broken = this blob could not be written and takes no more data; start it again
core-blob-writer-finished = blob writer already finished
core-blob-sync = cannot sync a blob file
core-blob-commit = cannot commit a blob file
core-blob-not-found = blob { $id }
core-blob-file-gone = blob { $id } is recorded but its file is gone
core-blob-open = cannot open a blob file
core-blob-stat = cannot stat a blob file
core-blob-read = cannot read a blob file
core-blob-no-header = blob { $id } is truncated (no header)
core-blob-unknown-header = blob { $id } has an unknown header
core-blob-last-chunk-missing = blob { $id } is truncated (its last chunk is missing)
core-blob-chunk-header-truncated = blob { $id } is truncated inside a chunk header
core-blob-chunk-damaged-at = blob { $id } is truncated or damaged at chunk { $chunk }
core-blob-chunk-truncated = blob { $id } is truncated inside a chunk
core-blob-last-chunk-unauthentic = blob { $id } chunk { $chunk } does not authenticate (damaged, reordered or truncated)
core-blob-chunk-unauthentic = blob { $id } chunk { $chunk } does not authenticate (damaged or reordered)
core-blob-chunk-short = blob { $id } chunk { $chunk } is short
core-blob-size-mismatch = blob { $id } does not match its recorded size
core-blob-shorter = blob { $id } is shorter than its recorded size

## The vault's authenticated state
core-state-missing = the vault's state record is missing
core-state-unauthentic = the vault's state record does not authenticate
core-state-element-length = a state element has the wrong length
core-state-stale-record = a { $table } record is not the one last written (an older copy was put back)
core-state-unrecorded = a { $table } record is not part of the vault's recorded state
core-state-namespace-not-text = a namespace is not text
core-state-blob-id-not-text = a blob id is not text
core-state-missing-altered = the vault's state record is missing: the container was altered
core-state-records-differ = records differ from the ones last written (an older sealed copy was put back, or a record was altered)
core-state-sum = the records' state does not add up ({ $count } recorded elements, { $expected } expected): records were removed, added or replaced
core-state-orphans = { $count } { $table } record(s) are not part of the recorded state (added or moved)
core-state-missing-rows = { $count } { $table } record(s) of the recorded state are missing (deleted)
core-state-db-older = the database is older than the container's last recorded commit ({ $database } < { $file }): committed changes were lost
core-state-file-unauthentic = the state file does not authenticate
core-state-file-missing = the state file beside the database is missing
core-state-mismatch = the vault's records no longer match their authenticated state: { $problems }

## Audit log verification (what `kapsel audit --verify` reports; entry kinds and details stay machine-readable)
core-audit-missing-entries = entries { $from }..{ $to } are missing
core-audit-chain-broken = entry { $seq } does not follow the entry before it (chain broken)
core-audit-hash-mismatch = entry { $seq } was altered (its content does not match its hash)
core-audit-sealed-after-unsealed = entry { $seq } is sealed after an unsealed entry
core-audit-mac-mismatch = entry { $seq } was altered (its MAC does not match)
core-audit-anchor-missing = the audit anchor is missing
core-audit-anchor-malformed = the audit anchor is malformed
core-audit-anchor-altered = the audit anchor was altered
core-audit-entries-removed = sealed entries up to { $seq } were removed (the log ends at { $end })
core-audit-anchor-differs = entry { $seq } differs from the sealed anchor
core-audit-anchor-count = { $sealed } entries are sealed but the anchor covers { $seq }

## Start-up checks of the device (integrity findings)
core-integrity-tracer = a debugger or tracer (pid { $pid }) is attached to this process
core-integrity-status-unreadable = the process status cannot be read; assuming a tracer
core-integrity-ld-so-preload = /etc/ld.so.preload lists { $libraries }
core-integrity-preload = libraries are injected into the process: { $found }
core-integrity-uninspectable = { $path } cannot be inspected: { $error }
core-integrity-symlink = { $path } is a symbolic link
core-integrity-mode = { $path } is accessible to other users (mode { $mode }); it must be { $wanted }
core-integrity-owner = { $path } belongs to uid { $owner }, not to you (uid { $uid })
core-integrity-permissions-more = { $problems } (and { $count } more)
core-integrity-binary-unlisted = the kapsel binary (sha256 { $actual }) is not one the tenant lists as known-good
core-integrity-binary-changed = the kapsel binary was modified or replaced since enrolment (sha256 { $actual }, pinned { $pinned }); if this is an update, unlock with --accept-new-binary
core-integrity-superuser = kapsel is running as the superuser (root)
core-integrity-binary-unreadable = cannot read the kapsel binary
core-integrity-refused = { $finding }; kapsel refuses to start

## TLS settings from the policy, server addresses and connections
core-tls-anchor-not-pem = tls.trust_anchors[{ $index }] is not PEM: { $error }
core-tls-anchor-unusable = tls.trust_anchors[{ $index }] is not a usable CA certificate: { $error }
core-tls-anchor-empty = tls.trust_anchors[{ $index }] holds no certificate
core-tls-no-anchors = no TLS trust anchors: set tls.trust_anchors or drop tls.only_anchors
core-tls-anchors = TLS trust anchors: { $error }
core-tls-pin-form = tls.pins.{ $host }: { $pin } must look like sha256/<base64>
core-tls-pin-not-base64 = tls.pins.{ $host }: { $pin } is not base64
core-tls-pin-length = tls.pins.{ $host }: { $pin } is not 32 bytes
core-tls-cert-unparsable = the server certificate cannot be parsed for pinning
core-tls-pin-mismatch = the server key of { $host } matches none of the tenant's pins
core-tls-unknown-issuer = the server certificate is not issued by a CA the tenant trusts
core-tls-expired = the server certificate has expired
core-tls-wrong-name = the server certificate is not valid for this host name
core-tls-already-on = { $peer }: TLS is already on
core-tls-with = TLS with { $peer }: { $error }
core-endpoint-not-url = server address { $address } is not a URL: { $error }
core-endpoint-scheme = server address { $address }: the scheme must be one of { $schemes }
core-endpoint-credentials = server address { $address } must not carry credentials
core-endpoint-path = server address { $address } must be scheme://host[:port] only
core-endpoint-no-host = server address { $address } has no host
core-endpoint-tls-name = { $host } is not a valid TLS name
core-net-tls-failed = TLS with { $peer } failed: { $reason }
core-net-timeout = { $peer } did not answer in time
core-net-closed = { $peer } closed the connection
core-net-resolve = cannot resolve { $host }: { $error }
core-net-refused = { $peer } refused the connection (is the server up?)
core-net-connect = cannot connect to { $peer }: { $error }
core-net-no-address = { $host } has no address

## The HTTP client
core-http-timed-out = timed out: { $detail }
core-http-too-large = the response is larger than { $limit } bytes
core-http-connect = cannot connect: { $detail }
core-http-protocol = HTTP protocol error: { $detail }
core-http-time-limit = the time limit for this request ran out
core-http-slow = the server was too slow
core-http-connecting = connecting to { $address }
core-http-tls-name = { $host } is not a valid TLS server name
core-http-head-closed = the connection closed before a complete response head
core-http-head-too-large = the response head is larger than 64 KiB
core-http-head-malformed = malformed response head: { $error }
core-http-bad-length = bad Content-Length { $value }
core-http-chunk-line = a chunk-size line is over 4 KiB
core-http-chunked-early = the chunked body ended early
core-http-bad-chunk-size = bad chunk size { $size }
core-http-chunk-crlf = a chunk does not end with CRLF
core-http-body-short = the body ended after { $received } of { $length } bytes

## Origins the tenant grants and URLs apps request
core-origin-too-long = an origin is at most 1,024 characters
core-origin-bad = origin { $origin }: { $reason }
core-origin-bare-star = a bare * would allow everything; name the host
core-origin-no-scheme = needs a scheme, e.g. https://host
core-origin-scheme = only https:// (and http:// for named plain-text hosts) are supported
core-origin-path = an origin has no path, query or fragment
core-origin-userinfo = an origin has no user name or password
core-origin-star-place = * is allowed only as a whole first label: https://*.example.org
core-origin-bad-wildcard = bad wildcard
core-origin-wildcard-labels = a wildcard needs at least two labels after it (*.example.org)
core-origin-not-host = not a host name
core-no-port = no port
core-url-bad = URL { $url }: { $reason }
core-url-too-long = longer than 8 KiB
core-url-spaces = contains spaces or control characters
core-url-scheme = scheme { $scheme } is not HTTP(S)
core-url-userinfo = user names or passwords in URLs are refused
core-url-odd-ip = odd IP address encoding (it means { $ip }); write it as { $ip }
core-url-no-host = no host

## Policy: device management
core-policy-management-endpoint = management.endpoint must be an https:// URL with a host, not { $endpoint }
core-policy-management-bounds = management: check_minutes, grace_hours and wipe_after_days must be at least 1, wipe_after_days must not be shorter than grace_hours, and the helpdesk text at most 1,000 bytes
core-container-rollover-policy = the policy published with the new tenant key is older than the installed one or belongs to another tenant
