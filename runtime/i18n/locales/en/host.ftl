# Kapsel — host, English. Every id in this file starts with `host-`.


## The engine and installed apps
host-link-wasi = linking WASI: { $error }
host-link-app = linking kapsel:app: { $error }
host-engine-start = cannot start the app engine: { $error }
host-epoch-start = cannot start the epoch ticker: { $error }
host-app = app { $id }
host-document = document { $id }
host-not-installed = app { $id } is not installed
host-not-app-id = { $id } is not an app id
host-record-malformed = the record of app { $id } is malformed
host-component-changed = the stored component of app { $id } changed
host-artifact-unloadable = the compiled app cannot be loaded: { $error }
host-recompile = recompiling app { $id }: { $error }
host-no-link = app { $id } does not link: { $error }
host-app-error = app { $id }: { $error }
host-publisher-untrusted = a publisher the tenant no longer trusts
host-the-package = the package
host-preinstall-unreadable = { $file } cannot be read ({ $error })

## Installing: signature, publisher, manifest, component
host-untrusted-signer = the package is signed by { $key }, which is not a publisher this tenant trusts (the policy lists trusted keys under [[publishers]])
host-deceptive-manifest = the manifest's { $field } contains characters a terminal would obey ({ $chars }): refused, they could hide or reverse text for the user and the reviewer
host-apps-disabled = micro-apps are disabled by the tenant (`apps` under [modules] in the policy)
host-compile-failed = the component does not compile: { $error }
host-not-fit = the component does not fit kapsel:app: { $error }
host-no-export = the component does not export kapsel:app/app: { $error }
host-reserved-id = the app id { $id } is reserved for Kapsel's built-in apps; { $signer } cannot publish it
host-bound-publisher = the tenant binds the app id { $id } to the publisher { $bound }; this package is signed by { $signer } (`publisher` in the policy's [apps.{ $id }])
host-publisher-unlisted = a publisher the tenant no longer lists
host-other-signer = { $id } is installed from { $owner }; a package signed by { $signer } cannot replace it (remove the app first, which deletes its data)
host-downgrade = { $id } { $version } is older than the installed { $installed }: a downgrade is refused unless the tenant allows it (apps.{ $id }.min_version)
host-manifest-invalid = the app manifest is not valid: { $error }
host-app-manifest = app manifest
host-manifest-problem = app manifest: { $problem }
host-manifest-id = id { $id } must be 1-64 of a-z, 0-9, - (not starting with -)
host-manifest-name = name must be 1-128 characters
host-manifest-version = version must be 1-64 characters
host-manifest-storage-quota = capabilities.storage.quota_bytes must be above 0
host-manifest-tenant-configured = http.origins: { $value } stands alone
host-api-unsupported = { $what }: kapsel:app API { $text } is not supported (this host accepts { $supported })
host-not-component = not a WebAssembly component
host-component-malformed = the component is malformed: { $error }
host-section-not-text = the { $section } section is not text
host-section-not-version = the { $section } section says { $text }, not a version
host-two-api-versions = the component names two different API versions in { $section }
host-not-a-kapsel-app = the component does not export kapsel:app/app: it is not a Kapsel app
host-api-section-export = the component says it was built for API { $section } but exports kapsel:app/app@{ $export }
host-api-manifest-mismatch = the manifest says api = { $declared }, but the component was built against { $built }: rebuild it or correct the manifest
host-api-built-unsupported = the component was built against kapsel:app { $built }; this host accepts { $supported }

## The package file
host-package-truncated = the package is truncated ({ $part })
host-manifest-too-large = the manifest is larger than 64 KiB
host-component-too-large = the component is larger than 64 MiB
host-component-file = the component file is not a WebAssembly component
host-unsigned = the package is not signed
host-signature-mismatch = the package signature does not match its content: it was altered after signing
host-not-a-package = not a Kapsel app package (.kapp)
host-package-version = package format version { $version } is not supported
host-manifest-not-utf8 = the manifest is not UTF-8
host-bad-key-text = bad key text
host-bad-signature-text = bad signature text
host-bad-signature-flag = bad signature flag { $flag }
host-trailing-bytes = the package has trailing bytes

## Imports: what each one means, and the decision on it
host-import-not-interface = not an interface import
host-import-unsupported-version = unsupported kapsel:app version
host-import-unknown-app = unknown kapsel:app interface
host-wasi-io = in-process streams, clocks and randomness only
host-wasi-environment = empty environment, no arguments
host-wasi-stdin = stdin is closed
host-wasi-stdout = written into the app's log inside the container
host-wasi-exit = ends the call with an error
host-wasi-terminal = no terminal
host-wasi-filesystem = no preopened directories: nothing can be opened
host-import-sockets = sockets bypass the host's origin checks; use kapsel:app/http
host-import-wasi-http = wasi:http bypasses the host's origin checks; use kapsel:app/http
host-import-wasi-other = WASI interface not provided by Kapsel
host-import-unknown = unknown interface
host-import-undeclared = imports { $name } but the manifest does not declare { $capability }
host-import-granted = declared and granted
host-import-not-granted = the tenant policy does not grant { $capability } to { $app } (`{ $key }` in its [apps.{ $app }])
host-import-no-policy = declared; no tenant policy was given to judge it
host-import-types = always available (view types, the tenant's settings for this app)
host-import-sealed = sealed: { $note }
host-refused-import = refused: { $name } ({ $reason })

## Calls: how an app was stopped, and what it said
host-trap-timeout = the app ran longer than its { $ms } ms budget and was stopped
host-trap-stack = the app overflowed its stack and was stopped
host-trap-panic = the app crashed (it panicked) and was stopped
host-trap-memory = the app accessed memory out of bounds and was stopped
host-trap-other = the app was stopped: { $trap }
host-trap-exit = the app exited with status { $status }
host-trap-limit = the app exceeded its { $limit } and was stopped
host-trap-failed = the app failed: { $error }
host-limit-memory = memory limit of { $mib } MiB
host-limit-table = table limit of { $limit } elements
host-no-documents = app { $id } may not open documents
host-discarded-documents = ; the { $count } document(s) it saved in this call were discarded
host-app-stopped = app { $id }: { $reason }{ $discarded }
host-app-error-not-found = not found
host-app-error-invalid-input = invalid input
host-app-error-denied = denied
host-app-error-failed = failed
host-app-said = app { $id }: { $kind }: { $text }
host-app-damaged = app { $id } met damaged data in the container: { $damage }

## Views
host-link-scheme = only http(s) links are shown, not { $scheme }:
host-link-not-absolute = it is not an absolute web address
host-link-removed = a link was removed: { $reason }
host-view-blocks = the app returned { $count } blocks (at most { $max })
host-view-text = the app returned { $bytes } bytes of text (at most { $max })
host-view-image = the app returned a { $width }×{ $height } picture with { $bytes } bytes (sides 1 to { $max } pixels, 3 bytes a pixel)
host-view-picture = picture
host-not-a-url = not a URL

## Capabilities: refusals the app receives
host-deny-documents = documents are not granted to this app (`documents = true` in its manifest's [capabilities] and in the policy's [apps.{ $app }])
host-no-document-handed = no document was handed to this app
host-read-limit = read at most { $max } bytes at a time
host-save-limit = documents saved by apps are at most { $max } bytes
host-writers-limit = at most { $max } documents written piece by piece per call
host-piece-limit = append at most { $max } bytes at once
host-writer-finished = this document is already finished
host-documents-quota = the app's documents would exceed its quota of { $quota } bytes (`documents_quota_bytes` in its [apps.{ $app }])
host-no-such-document = no document { $id }
host-deny-notify = notifications are not granted to this app (`notify = true` in its manifest's [capabilities] and in the policy's [apps.{ $app }])
host-notify-limit = at most { $max } notifications per call
host-deny-storage = storage is not granted to this app (`storage = { "{" } quota_bytes = … { "}" }` in its manifest's [capabilities] and `storage_quota_bytes` in the policy's [apps.{ $app }])
host-storage-key = keys are 1-{ $max } printable characters
host-deny-http = http is not granted to this app (`http = { "{" } origins = […] { "}" }` in its manifest's [capabilities] and `http_origins` in the policy's [apps.{ $app }])
host-origin-not-granted = { $origin } is not an origin granted to this app (the manifest's `http` origins and `http_origins` in the policy's [apps.{ $app }] must both cover it)
host-plain-http = plain http to { $host } is not allowed by the tenant (`plaintext_hosts` under [tls] in the policy)
host-cannot-resolve = cannot resolve { $host }: { $error }
host-no-address = { $host } has no address
host-restricted-address = { $host } resolves to { $ip }, a loopback, private or link-local address the tenant did not grant (`http_private_origins` in the policy's [apps.{ $app }] allows an intranet origin)
host-no-credentials = no user credentials in this session
host-no-token = no token stored for { $origin }
host-request-limit = at most { $max } requests per call
host-header-reserved = the header { $name } is set by the host, not by apps
host-header-malformed = the header { $name } is malformed
host-bad-redirect = bad redirect location { $location }: { $error }
host-redirect-limit = more than { $max } redirects
host-too-many-redirects = too many redirects
host-credentials-echoed = { $origin } sent the injected credentials back; { $count } occurrence(s) were redacted before the app saw the response

## Capabilities in the reviewer's words (declared, granted, policy lines, findings)
host-documents-declared = the handed-over document; save new ones
host-documents-granted = the handed-over document; save new ones into the container (up to { $bytes } bytes)
host-policy-documents = documents (saves up to { $bytes } bytes)
host-log-declared = app log in the container
host-log-granted = app log in the container (the newest { $lines } lines)
host-notify-declared = notifications
host-notify-granted = notifications (at most { $count } per call)
host-storage-quota = quota { $bytes } bytes
host-policy-storage = storage { $bytes } bytes
host-finding-storage = storage quota above 1 GiB ({ $bytes })
host-concern-tenant-origins = http origins are chosen by the tenant's grant, not by the app
host-wildcard-origin = wildcard origin { $origin }
host-plaintext-origin = plain-text origin { $origin }
host-policy-private = private network { $origin }
host-finding-private = may reach loopback/private addresses at { $origin }
host-policy-every-path = every path
host-policy-paths = paths { $paths }
host-policy-basic = credentials (basic: the directory password) to { $origin }, { $scope }
host-finding-basic = the user's credentials, the directory password itself (Basic), go to { $origin } on { $scope }: that server sees the password, and one that echoes request headers would show it to the app (the host redacts it from responses; a per-origin token limits the damage to that one service)
host-policy-bearer = credentials (bearer token stored for it) to { $origin }, { $scope }
host-finding-bearer = the user's token for { $origin } is added to the app's requests

## The reviewer's reports (kapsel audit)
host-report-not-signed = not signed
host-report-signature = signature: { $problem }
host-report-untrusted = the publisher key is not trusted by this tenant
host-report-deceptive = the manifest's { $field } contains characters a terminal would obey ({ $chars }): { $consequence }
host-report-escape = escape sequences can hide lines of this report; install refuses it
host-report-bidi = bidirectional overrides can make a name read backwards
host-mismatch-undeclared = imports { $capability } without declaring it
host-mismatch-unused = declares { $capability } but its code never imports it
host-report-over-asking = declares { $capability } without using it (over-asking)
host-mismatch-not-granted = declares { $capability } but the tenant does not grant it
host-mismatch-origin = origin { $origin } is declared but not granted
host-report-all-good = signed, every import declared and granted, WASI sealed
host-policy-unsigned = the policy is not signed: a container will refuse it
host-finding-integrity-off = integrity check { $name } is off
host-finding-plaintext = plain text allowed for { $hosts }
host-finding-idle-lock = idle lock after { $minutes } minutes

## Packaging: the component's imports against its own manifest
host-package-refused = not packaged: the component of { $id } uses what its manifest does not allow — { $problems }
host-package-undeclared = { $reason } (add `{ $declaration }` under [capabilities] in manifest.toml, or stop using it)
host-package-never-linked = { $name }: { $reason } (Kapsel never links it; remove the dependency that pulls it in)
