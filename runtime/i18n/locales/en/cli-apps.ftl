# Kapsel — cli-apps, English. Every id in this file starts with `cli-app-`.

## Files given on the command line
cli-app-path-missing = { $path } does not exist
cli-app-cannot-read = cannot read { $path }
cli-app-cannot-write = cannot write { $path }
cli-app-path-not-utf8 = the path is not UTF-8
cli-app-what-manifest = the manifest
cli-app-what-component = the component
cli-app-what-package = the package
cli-app-what-secret-key = the secret key file

## kapsel app new
cli-app-new-created = Created { $path }: src/lib.rs, manifest.toml, policy.toml (a development tenant trusting dev-publisher.key = { $key }).
    Build it: cd { $path } && cargo build --release --target wasm32-wasip2  → { $wasm }
cli-app-new-cannot-create = cannot create { $path }
cli-app-new-name = { $name } is not an app name: lower-case letters, digits and -, starting with a letter, at most 64 characters
cli-app-new-exists = { $path } already exists; choose another name or folder
cli-app-new-no-sdk = { $path } is not an SDK folder (no Cargo.toml and wit/ in it)
cli-app-no-component = no --component given and no Cargo.toml with a [package] name here to find the build: give --component FILE.wasm

## kapsel app keygen, package, sign
cli-app-keygen-secret = Publisher secret key: { $path } (keep it safe)
cli-app-keygen-public = Publisher public key: { $path } = { $key }
cli-app-keygen-listed = The tenant lists it under [[publishers]].
cli-app-package-written = Package { $id } { $version } written to { $path } ({ $bytes } bytes, { $signature }).
cli-app-package-signed = signed
cli-app-package-unsigned = unsigned: sign it with `kapsel app sign`
cli-app-signed = Signed { $path }.

## kapsel app install, list, remove, open, act
cli-app-installed = Installed { $name } ({ $id }) { $version } — compiled in { $ms } ms.
cli-app-update = Update { $from } → { $to }: { $changes }
cli-app-update-same = Update { $from } → { $to }: the same capabilities and origins.
cli-app-adds-capability = adds { $capability }
cli-app-removes-capability = drops { $capability }
cli-app-adds-origin = adds origin { $origin }
cli-app-removes-origin = drops origin { $origin }
cli-app-not-granted = Declared but not granted by the tenant (those calls will be denied): { $list }
cli-app-not-granted-origin = origin { $origin }
cli-app-none-installed = No apps installed.
cli-app-removed = Removed { $id } and its data.
cli-app-field-syntax = --field { $field } must be name=value
cli-app-viewer-failed = (the viewer could not open it: { $error })
cli-app-damaged-data = app { $app } met damaged data in the container (recorded in the audit log): { $damage }
cli-app-notification = (notification) { $title }: { $body }
cli-app-saved-document = (saved in the container) { $name } — document { $id }
cli-app-denied = (denied) { $reason }

## kapsel doc
cli-app-doc-imported = Imported { $name } as document { $id } ({ $bytes } bytes, { $media_type }).
cli-app-no-documents = No documents.

## kapsel notifications
cli-app-no-notifications = No notifications.
cli-app-notification-count = { $count } notification(s).
cli-app-container-locked = The container is locked.
cli-app-notification-count-locked = { $count } notification(s) — unlock to read them.

## kapsel credential
cli-app-token-unreadable = cannot read the token from standard input
cli-app-token-syntax = give the token on standard input, one line, no spaces
cli-app-token-stored = Token stored for { $origin }.
cli-app-token-removed = Token for { $origin } removed.
