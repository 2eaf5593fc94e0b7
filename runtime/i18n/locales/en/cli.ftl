# Kapsel — cli, English. Every id in this file starts with `cli-`.

## General
cli-error-line = kapsel: { $message }
cli-warning = kapsel: warning: { $message }
cli-agent-crashed = kapsel: the session agent failed at { $time } UTC ({ $place }) — the error is recorded in the audit log; if the container is locked now, unlock it again
cli-cannot-write = cannot write { $path }

## Mistakes on the command line ($arg, $command, $value: as the user typed them or as the help names them)
cli-usage-unknown-argument = unknown option '{ $arg }'
cli-usage-unknown-command = unknown command '{ $command }'
cli-usage-invalid-value = '{ $value }' is not a valid value for '{ $arg }'
cli-usage-missing-argument = missing: { $args }
cli-usage-missing-command = '{ $command }' needs a command
cli-usage-conflict = '{ $arg }' cannot be used together with '{ $other }'
cli-usage-values = wrong number of values for '{ $arg }'
cli-usage-not-utf8 = an argument is not valid UTF-8
cli-usage-other = the command line could not be understood
cli-usage-did-you-mean = Did you mean '{ $suggestion }'?
cli-usage-possible-values = Possible values: { $values }
cli-usage-more = More with '--help'.

## Enrolment, unlock, lock, password, wipe
cli-not-a-login = { $login } is not a login name
cli-prompt-password = Directory (AD) password:{" "}
cli-prompt-current-password = Current password:{" "}
cli-prompt-new-password = New password:{" "}
cli-preinstalled = Installed the built-in apps the tenant grants: { $apps }.
cli-enrolled = Enrolled in { $tenant } ({ $id }) at { $path }. Run `kapsel unlock` to open the container.
cli-enrol-undone = enrolment failed and was undone (nothing was left at { $path }): { $cause }
cli-enrol-undo-failed = enrolment failed: { $cause }; removing the half-made container at { $path } failed too ({ $error }): delete that folder before enrolling again
cli-preinstall-missing = the tenant preinstalls { $id }, but { $why }
cli-already-unlocked = the container is already unlocked
cli-locked = Locked.
cli-already-locked = Already locked.
cli-password-changed = Password changed.
cli-wipe-confirm = wipe destroys the container and all its data: repeat with --yes to confirm
cli-wiped = The container was wiped.
cli-audit-log-altered = the audit log does not verify: it was altered

## Policy and tenant keys
cli-policy-installed = Policy serial { $serial } installed.
cli-policy-current = Policy serial { $serial } is already installed.
cli-tenant-keys = Secret key: { $secret } (keep it offline)
    Public key: { $public } = { $key }
cli-policy-signed = Signed policy written to { $path }.
cli-policy-valid = Valid: tenant { $tenant } ({ $id }), serial { $serial }, sha256 { $sha256 }

## kapsel status
cli-status-container = Container
cli-status-state = State
cli-status-unlocked = unlocked (locks after { $seconds } s idle)
cli-status-locked = locked
cli-status-tenant = Tenant
cli-status-tenant-key = Tenant key
cli-status-policy = Policy
cli-status-policy-value = serial { $serial }, sha256 { $sha256 }
cli-status-failed-unlocks = Failed unlocks
cli-status-kdf = Key derivation
cli-status-app-engine = Apps run as
cli-status-app-engine-native = native code, compiled at install (Cranelift)
cli-status-app-engine-interpreter = bytecode in the Pulley interpreter (no machine code generated at run time)
cli-status-data-key = Data key id

## kapsel audit-log
cli-audit-verified = Verified: { $entries } entries, chain intact, { $sealed } sealed, { $pending } pending seal.
cli-audit-verification-failed = VERIFICATION FAILED:

## Passwords
cli-prompt-repeat-password = Repeat the new password:{" "}
cli-password-stdin-unreadable = cannot read the password from standard input
cli-password-stdin-ended = standard input ended before the password ({ $prompt })
cli-password-no-terminal = cannot ask for the password on a terminal ({ $error }); use --password-stdin
cli-password-empty = the password is empty
cli-passwords-differ = the two passwords differ

## Tenant tools
cli-cannot-create-new = cannot create { $path } (it must not exist yet)
cli-what-policy = the policy
cli-what-public-key = the public key file
cli-what-secret-key = the secret key file

## kapsel dir
cli-dir-odd-answer = the agent answered something else
cli-dir-save-ambiguous = { $count } people match { $text }: search until exactly one does, then save
cli-dir-prompt-service-password = Service account password:{" "}
cli-dir-service-password-stored = Service account password stored.
cli-dir-mail = Mail
cli-dir-phone = Phone
cli-dir-mobile = Mobile
cli-dir-title = Title
cli-dir-department = Department
cli-dir-office = Office
cli-dir-company = Company
cli-dir-login = Login
cli-dir-truncated = { $count } shown; more match: narrow the search down.
cli-dir-found = { $count ->
        [0] No one found.
        [one] 1 person found.
       *[other] { $count } people found.
    }
cli-dir-resolved-contact = { $typed } → { $name } <{ $mail }> (contacts)
cli-dir-resolved = { $typed } → { $name } <{ $mail }>
cli-dir-cannot-resolve = { $typed } is not a mail address, and the directory could not be asked: { $error }
cli-dir-no-one-called = no one called { $typed } with a mail address is in the directory; give the address
cli-dir-ambiguous = { $count } people match { $typed }; give the address or a more precise name:
cli-dir-choose = { $count } people match { $typed }:
cli-dir-which-one = Which one (1-{ $shown }, empty to cancel)?{" "}
cli-dir-choice-unreadable = cannot read the choice
cli-dir-none-chosen = no recipient chosen; nothing was sent

## The session agent (runs inside the kapsel binary)
cli-agent-password-unreadable = cannot read the password
cli-agent-password-empty = an empty password was given
cli-agent-already-running = the container is already unlocked (a session agent is running)
cli-agent-stale-socket = cannot remove a stale session socket
cli-agent-socket-mode = cannot restrict the session socket
cli-agent-too-many-clients = the session agent is serving too many clients; try again
cli-agent-internal-error = an internal error stopped this request; it was recorded and the session goes on (see `kapsel audit-log`)
cli-agent-no-app-host = the app host is not available
cli-agent-token-wildcard = a token belongs to one origin, not a wildcard
cli-agent-misrouted = misrouted request
cli-agent-unknown-client = the agent cannot identify the client's executable; kapsel refuses to serve it

## Device identity at enrolment
cli-enrol-request = Device id { $id }. If your organisation manages devices, send it the enrolment request { $path }.

## kapsel status: the standing with the tenant
cli-status-device = Device
cli-status-device-state = Device state
cli-status-device-active = active
cli-status-device-locked = locked by the tenant
cli-status-device-wipe = to be wiped
cli-status-device-unknown = not in the tenant's list (yet)
cli-status-last-contact = Last contact
cli-status-last-attempt = Last attempt
cli-status-attempt-ok = { $time }, succeeded
cli-status-attempt-failed = { $time }, failed: { $error }
cli-status-never = never
cli-status-grace = Grace left
cli-status-grace-left = { $hours } h { $minutes } min without contact
cli-status-grace-over = none: the container opens only after it reaches the tenant

## Device management for the tenant admin (kapsel tenant device, publish, rollover, receipt)
cli-tenant-no-login = no login
cli-tenant-what-request = the enrolment request
cli-tenant-what-rollover = the key rollover
cli-tenant-what-receipt = the wipe receipt
cli-tenant-cannot-read = cannot read { $path }
cli-tenant-state-active = active
cli-tenant-state-locked = locked
cli-tenant-state-wipe = wipe
cli-tenant-state-wiped = wiped
cli-tenant-reason-remote-wipe = ordered by the tenant
cli-tenant-reason-offline-limit = too long without contact
cli-tenant-reason-unknown-device = not in the device list
cli-tenant-device-approved = Device { $id } ({ $login }) approved; registry serial { $serial }. It can open once you publish (`kapsel tenant publish`).
cli-tenant-device-already = Device { $id } was approved before (state: { $state }); nothing changed.
cli-tenant-device-unchanged = Device { $id } is already in state { $state }; nothing changed.
cli-tenant-device-locked = Device { $id } is locked (registry serial { $serial }). Once you publish, it refuses to open from its next contact on; its data stays.
cli-tenant-device-wipe = Device { $id } is to be wiped (registry serial { $serial }). Once you publish, it destroys its container at its next contact and leaves a wipe receipt.
cli-tenant-device-activated = Device { $id } is active again (registry serial { $serial }); this takes effect once you publish.
cli-tenant-list-id = Device
cli-tenant-list-state = State
cli-tenant-list-login = Login
cli-tenant-list-approved = Approved
cli-tenant-list-receipt = Wipe receipt
cli-tenant-list-empty = No devices in the registry yet.
cli-tenant-list-summary = { $count ->
        [one] 1 device
       *[other] { $count } devices
    }, registry serial { $serial }, tenant { $tenant }
cli-tenant-published = Published for tenant { $tenant } in { $dir }: policy serial { $policy }, device list serial { $devices } ({ $count ->
        [one] 1 device
       *[other] { $count } devices
    }), valid until { $expires }.
    Publish again well before then (a timer does it: see docs/admin.md).
cli-tenant-published-rollover = The key rollover is published along: devices that still trust the old key follow it at their next contact.
cli-tenant-published-rollover-kept = The key rollover already published stays: it leads to this key.
cli-tenant-published-rollover-removed = The rollover.toml there led to another key and was removed.
cli-tenant-published-no-management = the policy has no [management] section: devices that install it stop contacting the tenant
cli-tenant-rollover-written = Key rollover of tenant { $tenant } written to { $path }.
    Old key: { $old }
    New key: { $new }
    Publish it together with the documents signed by the new key: `kapsel tenant publish DIR --key NEW.key … --rollover { $path }`.
cli-tenant-receipt-undecodable = { $count ->
        [one] 1 receipt request
       *[other] { $count } receipt requests
    } in { $source } could not be decoded (cut off or altered?)
cli-tenant-receipt-none = no wipe receipt found in { $source }
cli-tenant-receipt-refused = a wipe receipt in { $source } was refused: { $error }
cli-tenant-receipt-log-none = No wipe receipt in { $source }.
cli-tenant-receipt-log-refused = None of the wipe receipts in { $source } was accepted (see the warnings above).
cli-tenant-receipt-recorded = Device { $id } ({ $login }) wiped itself at { $time } ({ $reason }); wipe receipt recorded.
cli-tenant-receipt-known = Device { $id } ({ $login }): the wipe receipt of { $time } was recorded before.
cli-tenant-receipt-marked = Device { $id } had wiped itself while listed as active or locked; the registry now says `wipe` (serial { $serial }): publish to pass that on.
