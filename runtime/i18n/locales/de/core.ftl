# Kapsel — core, German. Every id in this file starts with `core-`.

## Die Fehlerrahmen (das Detail schreibt das Modul, das den Fehler meldet)
core-error-not-enrolled = kein Container unter { $path }: zuerst `kapsel enroll` ausführen
core-error-already-enrolled = unter { $path } gibt es bereits einen Container: zuerst `kapsel wipe` ausführen, wenn Sie neu beginnen wollen
core-error-locked = der Container ist gesperrt: zuerst `kapsel unlock` ausführen
core-error-wrong-password = falsches Passwort ({ $failures } Fehlversuch(e); noch { $remaining }, bevor der Container { $on_limit } wird)
core-error-back-off = zu viele fehlgeschlagene Entsperrversuche: in { $seconds } s erneut versuchen
core-error-wiped = der Container wurde nach { $count } fehlgeschlagenen Entsperrversuchen gelöscht; melden Sie das Gerät neu an
core-error-tampered = Integritätsfehler: { $detail } (die Daten des Containers wurden verändert oder beschädigt)
core-error-policy = von der Richtlinie abgelehnt: { $detail }
core-error-device = Geräteprüfung fehlgeschlagen: { $detail }
core-error-not-found = nicht gefunden: { $detail }
core-error-agent = Sitzungsdienst: { $detail }
core-error-storage = Speicherfehler: { $detail }
core-on-limit-wipe = gelöscht
core-on-limit-lockout = gesperrt
core-database-damaged = die Datenbankdatei des Containers ist beschädigt ({ $error })

## Größenangaben in Meldungen (Dateien)
core-size-mib = { $size } MiB
core-size-kib = { $size } KiB
core-size-bytes = { $size } Byte

## Dateien, die auf der Befehlszeile genannt werden; `what` ist z. B. „die Richtlinie“ (Nominativ)
core-file-missing = { $what } { $path } existiert nicht
core-file-unreadable = { $what } { $path } kann nicht gelesen werden
core-file-too-large = { $what } { $path } ist zu groß ({ $size }); die Grenze liegt bei { $limit }
core-file-not-utf8 = { $what } { $path } ist kein UTF-8-Text

## Dokumente und Benachrichtigungen
core-document-bad-name = { $name } ist kein zulässiger Dokumentname
core-document-bad-media-type = { $media_type } ist kein Medientyp
core-document-not-found = Dokument { $id }
core-document-unreadable = das Dokument kann nicht gelesen werden
core-document-too-large = das Dokument ist größer als { $limit } Byte
core-document-encode = ein Dokumenteintrag kann nicht kodiert werden: { $error }
core-document-bad-id = { $id } ist keine Dokument-ID
core-document-malformed = der Dokumenteintrag { $id } ist fehlerhaft
core-notification-encode = eine Benachrichtigung kann nicht kodiert werden: { $error }

## Der Container (Einrichtung, Entsperren, Passwortwechsel)
core-container-unlock-rules = die Entsperrregeln können nicht gespeichert werden: { $error }
core-container-key-missing = der hinterlegte Mandantenschlüssel fehlt
core-container-key-unusable = der hinterlegte Mandantenschlüssel ist unbrauchbar: { $error }
core-container-policy-missing = die installierte Richtlinie fehlt
core-container-policy-not-utf8 = die installierte Richtlinie ist nicht in UTF-8 kodiert
core-container-policy-unverified = die installierte Richtlinie besteht die Signaturprüfung nicht mehr: { $error }
core-container-swapped = der hinterlegte Mandantenschlüssel oder die installierte Richtlinie wurde ausgetauscht, während der Container gesperrt war
core-container-wrong-current-password = das aktuelle Passwort ist nicht korrekt

## Die signierte Richtlinie
core-policy-too-large = die Richtlinie ist zu groß ({ $size }); die Grenze liegt bei { $limit }
core-policy-wrong-signer = die Richtlinie ist mit { $signer } signiert, dieser Container ist aber an den Mandantenschlüssel { $pinned } gebunden
core-policy-altered = die Signatur der Richtlinie passt nicht zu ihrem Inhalt: die Richtlinie wurde nach dem Signieren verändert
core-policy-other-tenant = die Richtlinie gilt für den Mandanten { $new }, dieser Container gehört zu { $current }
core-policy-serial-older = die Seriennummer { $new } der Richtlinie ist älter als die installierte Seriennummer { $old } (ein Zurückstufen wird nie akzeptiert)
core-policy-serial-same = die Richtlinie hat dieselbe Seriennummer { $serial } wie die installierte, aber einen anderen Inhalt; erhöhen Sie die Seriennummer

## Schlüssel und der Signaturblock
core-key-secret-prefix = ein geheimer Schlüssel beginnt mit { $prefix }
core-key-secret-not-base64 = der geheime Schlüssel ist nicht Base64-kodiert
core-key-secret-length = der geheime Schlüssel muss 32 Byte lang sein
core-key-public-prefix = ein öffentlicher Schlüssel beginnt mit { $prefix }
core-key-public-not-base64 = der öffentliche Schlüssel ist nicht Base64-kodiert
core-key-public-length = der öffentliche Schlüssel muss 32 Byte lang sein
core-key-public-invalid = der öffentliche Schlüssel ist kein gültiger Ed25519-Punkt
core-signature-not-base64 = die Signatur ist nicht Base64-kodiert
core-signature-length = die Signatur hat die falsche Länge
core-signature-mismatch = die Signatur passt nicht zum Inhalt: der Inhalt wurde nach dem Signieren verändert
core-signature-unsigned = die Richtlinie ist nicht signiert (kein Block KAPSEL SIGNATURE); signieren Sie sie mit `kapsel tenant sign`
core-signature-unclosed = der Signaturblock ist nicht abgeschlossen
core-signature-trailing = nach dem Signaturblock steht noch Text: er ist nicht von der Signatur abgedeckt
core-signature-no-key = der Signaturblock nennt keinen Schlüssel
core-signature-missing = der Signaturblock enthält keine Signatur
core-signature-key-unusable = der Signaturschlüssel ist unbrauchbar: { $error }

## Felder der Richtlinie (TOML-Schlüssel bleiben, wie sie sind)
core-password-too-short = das Passwort hat { $length } Zeichen; der Mandant verlangt mindestens { $min }
core-password-too-simple = das Passwort enthält { $classes } Arten von Zeichen (Kleinbuchstaben, Großbuchstaben, Ziffern, sonstige); der Mandant verlangt { $min }
core-time-of-day-bad = { $text } ist keine Uhrzeit (HH:MM)
core-policy-credential-form = erwartet wird "basic", "bearer" oder {"{"} kind = "basic", paths = ["/prefix/"] {"}"}
core-policy-app-engine-expected = "native" oder "interpreter"
core-policy-app-engine = app_host.engine = { $value } ist keine Ausführungsart: erwartet wird "native" (bei der Installation übersetzter Maschinencode) oder "interpreter" (kein zur Laufzeit erzeugter Maschinencode, für iOS und gehärtetes Android)
core-policy-invalid = die Richtlinie ist ungültig: { $error }
core-policy-tenant-id = tenant.id { $id } muss aus 1 bis 64 Zeichen a-z, 0-9, - bestehen
core-policy-clipboard = dlp.clipboard = true: Kapsel kopiert nie etwas aus dem Container heraus; entfernen Sie den Eintrag
core-policy-export-files = dlp.export_files = true: Kapsel schreibt nie außerhalb des Containers; entfernen Sie den Eintrag
core-policy-notifications-locked = dlp.notifications_locked darf "none" oder "count" sein: Absender und Betreff werden bei gesperrtem Container nie angezeigt
core-policy-max-failed = lock.max_failed_unlocks muss zwischen 1 und 1000 liegen
core-policy-idle-minutes = lock.idle_minutes muss zwischen 1 und 1440 liegen
core-policy-password-rules = password.min_length muss mindestens 8 und password.min_classes höchstens 4 sein
core-policy-sync-interval = sync.min_interval_minutes muss mindestens 1 sein und darf sync.max_interval_minutes nicht überschreiten
core-policy-sync-window = sync.earliest muss vor sync.latest liegen
core-policy-publisher = Herausgeber { $name }: { $error }
core-policy-binary-digest = der Eintrag { $digest } in integrity.binary_sha256 ist kein hexadezimaler SHA-256-Hashwert
core-policy-plaintext-host = der Eintrag { $host } in tls.plaintext_hosts muss genau einen Host nennen
core-policy-directory-max-results = directory.max_results muss zwischen 1 und 5000 liegen
core-policy-directory-time-limit = directory.time_limit_seconds muss zwischen 1 und 120 liegen
core-policy-directory-service-dn = directory.bind = "service" erfordert directory.service_dn
core-policy-directory-attribute = directory.attributes.{ $field } = { $attribute } ist kein LDAP-Attributname
core-policy-app-publisher = apps.{ $id }.publisher = { $name } verweist auf keinen Eintrag in [[publishers]]
core-policy-app-id = eine App-ID besteht aus 1 bis 64 Zeichen a-z, 0-9, - (nicht mit - am Anfang)
core-policy-credential-path = http_credentials: das Pfadpräfix { $prefix } für { $origin } muss mit / beginnen und darf kein .. enthalten
core-policy-credential-plain-http = http_credentials: Zugangsdaten werden nie über unverschlüsseltes http gesendet ({ $origin }); verwenden Sie https oder nennen Sie den Host in tls.plaintext_hosts

## Der Tresor: Schlüsselableitung, Versiegelung, Schema, Dateien
core-kdf-below-minimum = die Argon2id-Parameter m={ $memory } KiB, t={ $iterations }, p={ $parallelism } liegen unter dem Minimum m={ $min_memory } KiB, t={ $min_iterations }, p={ $min_parallelism }
core-kdf-too-large = die Argon2id-Parameter sind unplausibel groß
core-kdf-rejected = Argon2id-Parameter abgelehnt: { $error }
core-kdf-failed = die Schlüsselableitung ist fehlgeschlagen: { $error }
core-kdf-salt = das Salt des Schlüsseldatensatzes ist fehlerhaft
core-kdf-wrap-missing = der Schlüsseldatensatz fehlt oder ist unlesbar
core-kdf-all-copies-damaged = das Passwort ist richtig, aber jede Kopie des verschlüsselten Schlüssels ist beschädigt
core-kdf-unverifiable = jede Kopie des Schlüsseldatensatzes ist beschädigt; das Passwort konnte nicht geprüft werden
core-seal-unauthentic = { $table }.{ $column } lässt sich für diese Zeile nicht authentifizieren
core-schema-newer = der Container wurde von einer neueren Kapsel-Version geschrieben (Schema { $have }, diese Version kennt { $known }); aktualisieren Sie kapsel
core-vault-wal-refused = die Tresor-Datenbank hat den WAL-Modus abgelehnt ({ $mode })
core-vault-create-folder = der Container-Ordner { $path } kann nicht angelegt werden
core-vault-create-db = die Tresor-Datenbank kann nicht angelegt werden
core-vault-wrap-missing = der Schlüsseldatensatz fehlt
core-vault-key-record-damaged = { $reason }. Der Schlüsseldatensatz des Containers wurde verändert oder beschädigt; dieser Versuch wurde nicht gezählt. Ihr Helpdesk kann den Container wiederherstellen oder das Gerät neu anmelden
core-vault-meta-not-number = der Metadatenwert { $name } ist keine Zahl
core-vault-key-not-utf8 = ein Datensatzschlüssel ist nicht in UTF-8 kodiert
core-vault-bad-namespace = ungültiger Tresor-Namensraum { $namespace }
core-vault-set-mode = die Zugriffsrechte von { $path } können nicht gesetzt werden
core-io-cannot-open = { $path } kann nicht geöffnet werden
core-io-cannot-create = { $path } kann nicht angelegt werden
core-io-cannot-remove = { $path } kann nicht entfernt werden
core-io-cannot-sync = { $path } kann nicht auf den Datenträger geschrieben werden
core-io-cannot-list = der Inhalt von { $path } kann nicht gelesen werden

## Versiegelte Blobs
core-blob-bad-id = { $id } ist keine Blob-ID
core-blob-create = eine Blob-Datei kann nicht angelegt werden
core-blob-write = eine Blob-Datei kann nicht geschrieben werden
core-blob-writer-broken = dieser Blob konnte nicht geschrieben werden und nimmt keine Daten mehr an; bitte neu beginnen
core-blob-writer-finished = das Schreiben des Blobs ist bereits abgeschlossen
core-blob-sync = eine Blob-Datei kann nicht auf den Datenträger geschrieben werden
core-blob-commit = eine Blob-Datei kann nicht übernommen werden
core-blob-not-found = Blob { $id }
core-blob-file-gone = Blob { $id } ist verzeichnet, aber seine Datei fehlt
core-blob-open = eine Blob-Datei kann nicht geöffnet werden
core-blob-stat = die Eigenschaften einer Blob-Datei können nicht gelesen werden
core-blob-read = eine Blob-Datei kann nicht gelesen werden
core-blob-no-header = Blob { $id } ist abgeschnitten (der Dateikopf fehlt)
core-blob-unknown-header = Blob { $id } hat einen unbekannten Dateikopf
core-blob-last-chunk-missing = Blob { $id } ist abgeschnitten (sein letzter Block fehlt)
core-blob-chunk-header-truncated = Blob { $id } ist innerhalb eines Blockkopfs abgeschnitten
core-blob-chunk-damaged-at = Blob { $id } ist bei Block { $chunk } abgeschnitten oder beschädigt
core-blob-chunk-truncated = Blob { $id } ist innerhalb eines Blocks abgeschnitten
core-blob-last-chunk-unauthentic = Blob { $id }: Block { $chunk } lässt sich nicht authentifizieren (beschädigt, umgestellt oder abgeschnitten)
core-blob-chunk-unauthentic = Blob { $id }: Block { $chunk } lässt sich nicht authentifizieren (beschädigt oder umgestellt)
core-blob-chunk-short = Blob { $id }: Block { $chunk } ist zu kurz
core-blob-size-mismatch = Blob { $id } stimmt nicht mit seiner verzeichneten Größe überein
core-blob-shorter = Blob { $id } ist kürzer als seine verzeichnete Größe

## Der authentifizierte Zustand des Tresors
core-state-missing = der Zustandsdatensatz des Tresors fehlt
core-state-unauthentic = der Zustandsdatensatz des Tresors lässt sich nicht authentifizieren
core-state-element-length = ein Zustandselement hat die falsche Länge
core-state-stale-record = ein Datensatz in { $table } ist nicht der zuletzt geschriebene (eine ältere Kopie wurde zurückgespielt)
core-state-unrecorded = ein Datensatz in { $table } gehört nicht zum verzeichneten Zustand des Tresors
core-state-namespace-not-text = ein Namensraum ist kein Text
core-state-blob-id-not-text = eine Blob-ID ist kein Text
core-state-missing-altered = der Zustandsdatensatz des Tresors fehlt: der Container wurde verändert
core-state-records-differ = Datensätze weichen von den zuletzt geschriebenen ab (eine ältere versiegelte Kopie wurde zurückgespielt oder ein Datensatz verändert)
core-state-sum = der Zustand der Datensätze geht nicht auf ({ $count } verzeichnete Elemente, { $expected } erwartet): Datensätze wurden entfernt, hinzugefügt oder ersetzt
core-state-orphans = Datensätze in { $table }, die nicht zum verzeichneten Zustand gehören (hinzugefügt oder verschoben): { $count }
core-state-missing-rows = Datensätze in { $table }, die laut verzeichnetem Zustand fehlen (gelöscht): { $count }
core-state-db-older = die Datenbank ist älter als der zuletzt verzeichnete Schreibvorgang des Containers ({ $database } < { $file }): bestätigte Änderungen sind verloren gegangen
core-state-file-unauthentic = die Zustandsdatei lässt sich nicht authentifizieren
core-state-file-missing = die Zustandsdatei neben der Datenbank fehlt
core-state-mismatch = die Datensätze des Tresors stimmen nicht mehr mit ihrem authentifizierten Zustand überein: { $problems }

## Prüfung des Audit-Protokolls (was `kapsel audit --verify` meldet; Eintragsarten und Details bleiben maschinenlesbar)
core-audit-missing-entries = die Einträge { $from }..{ $to } fehlen
core-audit-chain-broken = Eintrag { $seq } schließt nicht an den vorigen Eintrag an (Kette unterbrochen)
core-audit-hash-mismatch = Eintrag { $seq } wurde verändert (sein Inhalt passt nicht zu seinem Hashwert)
core-audit-sealed-after-unsealed = Eintrag { $seq } ist versiegelt, obwohl ein unversiegelter Eintrag vor ihm steht
core-audit-mac-mismatch = Eintrag { $seq } wurde verändert (sein MAC passt nicht)
core-audit-anchor-missing = der Anker des Audit-Protokolls fehlt
core-audit-anchor-malformed = der Anker des Audit-Protokolls ist fehlerhaft
core-audit-anchor-altered = der Anker des Audit-Protokolls wurde verändert
core-audit-entries-removed = versiegelte Einträge bis { $seq } wurden entfernt (das Protokoll endet bei { $end })
core-audit-anchor-differs = Eintrag { $seq } weicht vom versiegelten Anker ab
core-audit-anchor-count = { $sealed } Einträge sind versiegelt, der Anker deckt aber { $seq } ab

## Startprüfungen des Geräts (Integritätsbefunde)
core-integrity-tracer = ein Debugger oder Tracer (PID { $pid }) ist an diesen Prozess angehängt
core-integrity-status-unreadable = der Prozessstatus kann nicht gelesen werden; es wird von einem Tracer ausgegangen
core-integrity-ld-so-preload = /etc/ld.so.preload nennt { $libraries }
core-integrity-preload = in den Prozess werden Bibliotheken eingeschleust: { $found }
core-integrity-uninspectable = { $path } kann nicht geprüft werden: { $error }
core-integrity-symlink = { $path } ist ein symbolischer Link
core-integrity-mode = { $path } ist für andere Benutzer zugänglich (Modus { $mode }); erforderlich ist { $wanted }
core-integrity-owner = { $path } gehört UID { $owner }, nicht Ihnen (UID { $uid })
core-integrity-permissions-more = { $problems } (und { $count } weitere)
core-integrity-binary-unlisted = das kapsel-Programm (sha256 { $actual }) gehört nicht zu den Versionen, die der Mandant als vertrauenswürdig führt
core-integrity-binary-changed = das kapsel-Programm wurde seit der Einrichtung verändert oder ersetzt (sha256 { $actual }, hinterlegt { $pinned }); handelt es sich um ein Update, entsperren Sie mit --accept-new-binary
core-integrity-superuser = kapsel läuft als Superuser (root)
core-integrity-binary-unreadable = das kapsel-Programm kann nicht gelesen werden
core-integrity-refused = { $finding }; kapsel verweigert den Start

## TLS-Einstellungen aus der Richtlinie, Serveradressen und Verbindungen
core-tls-anchor-not-pem = tls.trust_anchors[{ $index }] ist kein PEM: { $error }
core-tls-anchor-unusable = tls.trust_anchors[{ $index }] ist kein verwendbares CA-Zertifikat: { $error }
core-tls-anchor-empty = tls.trust_anchors[{ $index }] enthält kein Zertifikat
core-tls-no-anchors = keine TLS-Vertrauensanker: setzen Sie tls.trust_anchors oder entfernen Sie tls.only_anchors
core-tls-anchors = TLS-Vertrauensanker: { $error }
core-tls-pin-form = tls.pins.{ $host }: { $pin } muss die Form sha256/<base64> haben
core-tls-pin-not-base64 = tls.pins.{ $host }: { $pin } ist nicht Base64-kodiert
core-tls-pin-length = tls.pins.{ $host }: { $pin } ist nicht 32 Byte lang
core-tls-cert-unparsable = das Serverzertifikat kann für den Abgleich mit den Pins nicht gelesen werden
core-tls-pin-mismatch = der Serverschlüssel von { $host } passt zu keinem der Pins des Mandanten
core-tls-unknown-issuer = das Serverzertifikat stammt nicht von einer Zertifizierungsstelle, der der Mandant vertraut
core-tls-expired = das Serverzertifikat ist abgelaufen
core-tls-wrong-name = das Serverzertifikat gilt nicht für diesen Hostnamen
core-tls-already-on = { $peer }: TLS ist bereits aktiv
core-tls-with = TLS mit { $peer }: { $error }
core-endpoint-not-url = die Serveradresse { $address } ist keine URL: { $error }
core-endpoint-scheme = Serveradresse { $address }: das Schema muss eines von { $schemes } sein
core-endpoint-credentials = die Serveradresse { $address } darf keine Zugangsdaten enthalten
core-endpoint-path = die Serveradresse { $address } darf nur die Form scheme://host[:port] haben
core-endpoint-no-host = die Serveradresse { $address } nennt keinen Host
core-endpoint-tls-name = { $host } ist kein gültiger TLS-Name
core-net-tls-failed = TLS mit { $peer } fehlgeschlagen: { $reason }
core-net-timeout = { $peer } hat nicht rechtzeitig geantwortet
core-net-closed = { $peer } hat die Verbindung geschlossen
core-net-resolve = { $host } kann nicht aufgelöst werden: { $error }
core-net-refused = { $peer } hat die Verbindung abgelehnt (läuft der Server?)
core-net-connect = keine Verbindung zu { $peer }: { $error }
core-net-no-address = { $host } hat keine Adresse

## Der HTTP-Client
core-http-timed-out = Zeitüberschreitung: { $detail }
core-http-too-large = die Antwort ist größer als { $limit } Byte
core-http-connect = keine Verbindung möglich: { $detail }
core-http-protocol = HTTP-Protokollfehler: { $detail }
core-http-time-limit = die Zeitgrenze für diese Anfrage ist abgelaufen
core-http-slow = der Server war zu langsam
core-http-connecting = beim Verbinden mit { $address }
core-http-tls-name = { $host } ist kein gültiger TLS-Servername
core-http-head-closed = die Verbindung wurde vor einem vollständigen Antwortkopf geschlossen
core-http-head-too-large = der Antwortkopf ist größer als 64 KiB
core-http-head-malformed = fehlerhafter Antwortkopf: { $error }
core-http-bad-length = ungültige Content-Length { $value }
core-http-chunk-line = eine Chunk-Größenzeile ist länger als 4 KiB
core-http-chunked-early = der in Chunks übertragene Inhalt endete vorzeitig
core-http-bad-chunk-size = ungültige Chunk-Größe { $size }
core-http-chunk-crlf = ein Chunk endet nicht mit CRLF
core-http-body-short = der Inhalt endete nach { $received } von { $length } Byte

## Origins, die der Mandant freigibt, und URLs, die Apps anfragen
core-origin-too-long = ein Origin hat höchstens 1.024 Zeichen
core-origin-bad = Origin { $origin }: { $reason }
core-origin-bare-star = ein einzelnes * würde alles erlauben; nennen Sie den Host
core-origin-no-scheme = braucht ein Schema, z. B. https://host
core-origin-scheme = nur https:// (und http:// für ausdrücklich genannte Klartext-Hosts) wird unterstützt
core-origin-path = ein Origin hat keinen Pfad, keine Query und kein Fragment
core-origin-userinfo = ein Origin enthält weder Benutzernamen noch Passwort
core-origin-star-place = * ist nur als vollständiges erstes Label erlaubt: https://*.example.org
core-origin-bad-wildcard = ungültiger Platzhalter
core-origin-wildcard-labels = ein Platzhalter braucht mindestens zwei Labels danach (*.example.org)
core-origin-not-host = kein Hostname
core-no-port = kein Port
core-url-bad = URL { $url }: { $reason }
core-url-too-long = länger als 8 KiB
core-url-spaces = enthält Leerzeichen oder Steuerzeichen
core-url-scheme = das Schema { $scheme } ist nicht HTTP(S)
core-url-userinfo = Benutzernamen oder Passwörter in URLs werden abgelehnt
core-url-odd-ip = ungewöhnliche Schreibweise der IP-Adresse (gemeint ist { $ip }); schreiben Sie { $ip }
core-url-no-host = kein Host

## Richtlinie: Geräteverwaltung
core-policy-management-endpoint = management.endpoint muss eine https://-Adresse mit Host sein, nicht { $endpoint }
core-policy-management-bounds = management: check_minutes, grace_hours und wipe_after_days müssen mindestens 1 sein, wipe_after_days darf nicht kürzer als grace_hours sein, und der Helpdesk-Text darf höchstens 1.000 Bytes lang sein
core-container-rollover-policy = die mit dem neuen Mandantenschlüssel veröffentlichte Richtlinie ist älter als die installierte oder gehört zu einem anderen Mandanten
