# Kapsel — mail, English. Every id in this file starts with `mailbox-`.

## The account and the tenant's settings
mailbox-mail-not-enabled = the tenant has not enabled mail
mailbox-no-imap-server = the tenant policy names no IMAP server
mailbox-no-sieve-server = the tenant policy names no ManageSieve server
mailbox-no-submission-server = the tenant policy names no submission server
mailbox-no-login-stored = no directory login is stored: enrol with --user LOGIN
mailbox-oof-not-enabled = the tenant has not enabled out-of-office replies

## Messages, folders, drafts and documents in the container
mailbox-no-such-message = no message { $id } (see `kapsel mail list`)
mailbox-message-gone-from-server = message { $id } is no longer on the server (it was moved or deleted)
mailbox-large-message-no-server = this large message is not downloaded yet and no server is set
mailbox-no-server-to-fetch-from = no server to fetch from
mailbox-no-server-for-message = no server to fetch the message from
mailbox-message-no-content = message { $id } has no content here
mailbox-no-such-attachment = message { $id } has no attachment { $index } (it has { $count })
mailbox-no-such-document = no document { $id } (see `kapsel doc list`)
mailbox-no-such-draft = no draft { $id } (see `kapsel mail drafts`)
mailbox-draft-damaged = a draft is damaged: { $error }
mailbox-no-such-folder = no mail folder { $name } (see `kapsel mail folders`)
mailbox-no-such-folder-id = no mail folder { $id }
mailbox-folder-damaged = a mail folder record is damaged: { $error }
mailbox-folder-vanished = a folder vanished while saving it
mailbox-message-damaged = a mail record is damaged: { $error }
mailbox-parser-stopped = the mail parser stopped
mailbox-pack-failed = this batch of messages could not be stored; it is fetched again at the next sync
mailbox-cannot-encode-answer = cannot encode the answer: { $error }
mailbox-not-a-flag = { $flag } is not a flag (seen, flagged, answered or a keyword)

## Reading a message
mailbox-no-headers = (no headers)
mailbox-unreadable-part = (unreadable part)
mailbox-text-truncated = [… the rest of this message is too long to show]
mailbox-no-boundary = [This message says it has several parts but not where they begin; it is shown as it arrived.]
mailbox-encrypted = [This message is encrypted (S/MIME) — it cannot be read here.]
mailbox-signed-opaque = [This message is signed (S/MIME) in a form that packs the text into the signature — it cannot be shown here.]
mailbox-forward-date = Date: { $date }

## Other users' and shared mailboxes
mailbox-open-own-folder = { $name } is one of your own folders; open another user's (e.g. shared/bob@agency) or a shared mailbox (kapsel mail mailboxes)
mailbox-no-read-access = you have no access to { $name }: its owner has not granted you read rights (IMAP ACL)
mailbox-no-post-right = you may read { $address }'s mailbox but not send on its behalf (no post right)
mailbox-cannot-send-on-behalf = you cannot send on behalf of { $address }: open its mailbox first (kapsel mail mailboxes --open NAME) — the server must grant it to you

## Writing, replying, forwarding
mailbox-not-a-mail-address = { $address } is not a mail address
mailbox-no-recipient = the message has no recipient (--to)
mailbox-subject-one-line = the subject must be one line
mailbox-cannot-build = cannot build the message: { $error }
mailbox-reply-wrote = { $sender } wrote:
mailbox-reply-someone = Someone
mailbox-forward-header = -------- Forwarded message --------
mailbox-forward-from = From: { $from }
mailbox-forward-to = To: { $to }
mailbox-forward-subject = Subject: { $subject }
# The word before an HTML image's alt text in a mail: [image: Logo]
mailbox-image = image
mailbox-forward-not-attached = [Kapsel could not attach: { $list }]

## The outbox
mailbox-outbox-damaged = an outbox entry is damaged: { $error }
mailbox-outbox-in-doubt = the session ended while this message was being handed to the server; it may have been sent. Check Sent or ask the recipient, then `kapsel mail outbox --retry` or `--discard`.
mailbox-outbox-sending-now = outbox message { $id } is being sent right now
mailbox-outbox-no-such = no outbox message { $id }
mailbox-outbox-lost-content = outbox message { $id } lost its content

## Sync, its schedule and the background worker
mailbox-sync-busy = a long sync is running in the background; see `kapsel sync status` and try again when it is done
mailbox-flag-not-allowed = { $folder } does not let you change { $flag }: your rights there are “{ $rights }” and this needs “{ $needed }” (IMAP ACL); the change was not made
mailbox-cannot-start-worker = cannot start the mail worker
mailbox-push-failed = push: { $error }
mailbox-sync-internal-error = an internal error stopped this sync round; it was recorded (see `kapsel audit-log`) and the next round runs as scheduled
mailbox-search-no-words = the search has no words (letters or digits, at least two)
mailbox-schedule-empty-window = the sync window { $from }–{ $to } is empty: the start must be before the end
mailbox-schedule-outside-hours = your tenant allows sync only between { $earliest } and { $latest }
mailbox-schedule-day-not-allowed = your tenant does not allow sync on { $day }
mailbox-schedule-no-day = choose at least one day
mailbox-schedule-interval = your tenant allows a sync interval of { $min }–{ $max } minutes
mailbox-schedule-no-push = your tenant does not allow push (IDLE)
mailbox-not-a-weekday = { $text } is not a weekday (mon … sun)
mailbox-days-backwards = { $text }: the range runs backwards
mailbox-weekday-mon = Mon
mailbox-weekday-tue = Tue
mailbox-weekday-wed = Wed
mailbox-weekday-thu = Thu
mailbox-weekday-fri = Fri
mailbox-weekday-sat = Sat
mailbox-weekday-sun = Sun

## Out-of-office replies
mailbox-oof-the-start-date = the start date
mailbox-oof-the-end-date = the end date
mailbox-oof-the-internal-text = the reply text for internal senders
mailbox-oof-the-external-text = the reply text for external senders
mailbox-oof-date-shape = { $what } { $text } must be written as YYYY-MM-DD, e.g. 2026-12-24
mailbox-oof-date-year-zero = { $what } { $text } has no year 0000
mailbox-oof-date-no-month = { $what } { $text } is not a date: there is no month { $month }
mailbox-oof-date-no-day = { $what } { $text } is not a date: { $month } { $year } has { $days } days
mailbox-month-january = January
mailbox-month-february = February
mailbox-month-march = March
mailbox-month-april = April
mailbox-month-may = May
mailbox-month-june = June
mailbox-month-july = July
mailbox-month-august = August
mailbox-month-september = September
mailbox-month-october = October
mailbox-month-november = November
mailbox-month-december = December
mailbox-oof-not-a-domain = { $domain } is not a domain name (write it like corp.example, without @)
mailbox-oof-text-empty = { $what } is empty
mailbox-oof-text-too-long = { $what } is { $size } KiB long; at most { $max } KiB are allowed
mailbox-oof-text-control = { $what } contains the control character { $char }
mailbox-oof-end-before-start = the end date { $end } is before the start date { $start }
mailbox-oof-subject-empty = the subject of the out-of-office reply is empty
mailbox-oof-subject-multiline = the subject of the out-of-office reply must be a single line
mailbox-oof-subject-too-long = the subject of the out-of-office reply is longer than { $max } characters
mailbox-oof-too-many-domains = at most { $max } internal domains are allowed
mailbox-oof-not-an-address = { $address } is not an e-mail address (name@domain)
mailbox-oof-cannot-include = { $script } cannot be included in the out-of-office script
mailbox-oof-settings-unencodable = the out-of-office settings: { $error }
mailbox-oof-script-changed = the Sieve script { $script } on the mail server was changed outside Kapsel ({ $reason }); clear the out-of-office reply and set it again
mailbox-oof-changed-first-line = its first line is not Kapsel's settings comment
mailbox-oof-changed-unreadable = the settings comment is not readable: { $error }
mailbox-oof-changed-invalid = the stored settings are not valid: { $error }
mailbox-oof-format-version = the out-of-office reply was set by a Kapsel with settings format { $found }; this one reads format { $supported }
mailbox-oof-missing-extensions = the Sieve server lacks the extension(s) { $missing }, which the out-of-office reply needs

## Connections (IMAP, SMTP, ManageSieve)
mailbox-connection-closed = { $peer } closed the connection
mailbox-no-starttls = { $peer } does not offer STARTTLS; Kapsel never sends a password in clear
mailbox-tls-injection = { $peer } sent data before the TLS handshake (possible injection)
mailbox-no-reason-given = no reason given

## IMAP
mailbox-imap-bad-data = { $peer } sent { $error }
mailbox-imap-no-login-method = { $peer } offers no usable login (AUTH=PLAIN over TLS)
mailbox-imap-login-refused = the IMAP server refused the login for { $user }: { $reason }
mailbox-imap-bye = { $peer } closed the session: { $reason }
mailbox-imap-bad-greeting = { $peer } is not an IMAP server or refused us: { $greeting }
mailbox-cannot-open = cannot open mailbox { $name }: { $reason }
mailbox-no-uidvalidity = { $peer } sent no UIDVALIDITY for { $name }: cannot sync it safely
mailbox-search-no-results = { $peer } answered SEARCH without results
mailbox-idle-refused = IDLE refused: { $reason }
mailbox-idle-long-line = { $peer } sent an over-long line while idle

## ManageSieve
mailbox-sieve-protocol = { $peer } broke the ManageSieve protocol: { $detail }
mailbox-sieve-login-after-cancel = a login that succeeded after it was cancelled
mailbox-sieve-second-challenge = a second SASL challenge
mailbox-sieve-malformed-getscript = a malformed GETSCRIPT answer
mailbox-sieve-script-not-utf8 = the script { $name } is not UTF-8
mailbox-sieve-data-before-tls = data after the STARTTLS answer, before TLS
mailbox-sieve-bad-credentials = the Sieve user name must not be empty, and neither it nor the password may contain NUL
mailbox-sieve-no-plain = { $peer } does not offer password login (SASL PLAIN) over TLS; it offers: { $offered }
mailbox-sieve-offers-nothing = nothing
mailbox-sieve-extra-challenge = { $peer } asked for more than SASL PLAIN allows; login cancelled ({ $reason })
mailbox-sieve-login-refused = the Sieve server refused the login for { $user }: { $reason }
mailbox-sieve-bye = { $peer } ended the session: { $reason }
mailbox-sieve-refused = the Sieve server { $peer } refused { $action }: { $reason }
mailbox-sieve-action-list = to list the scripts
mailbox-sieve-action-get = to send the script { $name }
mailbox-sieve-action-put = to store the script { $name }
mailbox-sieve-action-activate = to activate the script { $name }
mailbox-sieve-action-delete = to delete the script { $name }
mailbox-sieve-script-too-large = the Sieve script { $name } is larger than { $max } MiB
mailbox-sieve-no-room = the Sieve server has no room for the script { $name }: { $reason }
mailbox-sieve-quota-exceeded = quota exceeded
mailbox-sieve-script-rejected = the Sieve server rejected the script { $name }: { $reason }
mailbox-sieve-script-not-found = Sieve script { $name }
mailbox-sieve-session-refused = { $peer } refused the session: { $reason }
mailbox-sieve-starttls-refused = { $peer } refused STARTTLS: { $reason }
mailbox-sieve-bye-after-starttls = { $peer } ended the session after STARTTLS: { $reason }
mailbox-sieve-no-starttls = { $peer } does not offer STARTTLS: Kapsel does not send the password without TLS

## SMTP submission
mailbox-send-transient = not sent for now (worth trying again): { $reason }
mailbox-send-permanent = the message cannot be sent: { $reason }
mailbox-send-auth = login to the mail server failed: { $reason } (check the account's user name and password; the message stays in the outbox)
mailbox-send-tls = no secure connection to the mail server, nothing was sent: { $reason }
mailbox-smtp-protocol = { $peer } broke the SMTP protocol: { $detail }
mailbox-smtp-unexpected-reply = unexpected reply to { $after }: { $reply }
mailbox-smtp-end-of-message = the end of the message
mailbox-smtp-ehlo-later = { $peer } refused EHLO for now: { $reply }
mailbox-smtp-ehlo-refused = { $peer } refused EHLO (not an ESMTP submission server?): { $reply }
mailbox-smtp-login-later = { $peer } cannot check the login for { $user } now: { $reply }
mailbox-smtp-login-refused = { $peer } refused the login for { $user }: { $reply }
mailbox-smtp-nul = the user name or password contains a NUL character
mailbox-smtp-no-auth-method = { $peer } offers no login method Kapsel supports (it offers: { $offered }; Kapsel needs PLAIN or LOGIN)
mailbox-smtp-offers-none = none
mailbox-smtp-the-sender-address = the sender address
mailbox-smtp-the-recipient-address = the recipient address
mailbox-smtp-bad-address = { $which } { $address } is not a valid mail address
mailbox-size-bytes = { $count } bytes
mailbox-smtp-no-recipients = the message has no recipients
mailbox-smtp-empty-recipient = a recipient address is empty
mailbox-smtp-over-size-limit = the message is { $size } but { $peer } takes at most { $limit }
mailbox-smtp-no-smtputf8 = { $peer } cannot take internationalised (non-ASCII) addresses
mailbox-smtp-sender-later = { $peer } did not take the sender { $sender } now: { $reply }
mailbox-smtp-sender-refused = { $peer } refused the sender { $sender }: { $reply }
mailbox-smtp-too-big = the message is too big for { $peer }: { $reply }
mailbox-smtp-recipients-refused = { $peer } refused the recipient(s) { $recipients }
mailbox-smtp-recipients-later = { $peer } did not take the recipient(s) { $recipients } now
mailbox-smtp-message-later = { $peer } did not take the message now: { $reply }
mailbox-smtp-message-refused = { $peer } refused the message: { $reply }
mailbox-smtp-stopped = sending was stopped before the server took the message: { $reason }
mailbox-smtp-in-doubt = the connection to { $peer } broke after the whole message was handed over; it may have been sent ({ $error })
mailbox-smtp-greeting-refused = { $peer } does not take mail now: { $greeting }
mailbox-smtp-starttls-refused = { $peer } did not start TLS: { $reply }
mailbox-smtp-connection-unusable = the connection to { $peer } is no longer usable; connect again
