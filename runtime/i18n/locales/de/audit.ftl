# Kapsel — audit, Deutsch: die Berichte für die Sicherheitsprüfung (`kapsel audit`), aus dem
# Bericht von kapsel-host und der Darstellung der Kommandozeile. Jede ID beginnt mit `audit-`.

## Ehrliches Vertrauen: wofür die angegebene Richtlinie bürgen kann und wofür nicht
audit-no-policy = keine Richtlinie des Mandanten angegeben: weder das Vertrauen in den Herausgeber noch die Freigaben lassen sich beurteilen (--policy DATEI angeben)
audit-policy-draft = die angegebene Richtlinie ist nicht signiert: ein Entwurf bürgt für keinen Herausgeber und gewährt nichts, was ein Container annähme
audit-policy-altered-package = die angegebene Richtlinie wurde nach dem Signieren verändert ({ $problem }): ihre Herausgeber und Freigaben sind nicht die des Mandanten
audit-policy-altered = die Richtlinie wurde nach dem Signieren verändert: { $problem }
audit-policy-foreign = die angegebene Richtlinie ist mit einem anderen Schlüssel signiert als dem des Mandanten dieses Containers ({ $problem }): ihre Herausgeber und Freigaben sind nicht die des Mandanten
audit-foreign-key = signiert von { $signer }, aber der Mandantenschlüssel dieses Containers ist { $tenant }
audit-import-granted-by-draft = deklariert; nur von einer nicht signierten oder veränderten Richtlinie gewährt
audit-nothing-given = geben Sie ein zu prüfendes Paket an oder --policy DATEI (hier gibt es keinen Container)
audit-exit = Ergebnis für { $subject }: { $verdict } — { $reasons }

## Was die App nicht kann
audit-cannot-clipboard = die Zwischenablage benutzen (es gibt keine Schnittstelle dafür)
audit-cannot-files = Dateien auf dem Gerät lesen oder schreiben (keine vorab geöffneten Verzeichnisse)
audit-cannot-other-apps = Daten einer anderen App lesen (jede App hat ihren eigenen Bereich)
audit-cannot-sockets = Sockets öffnen oder das Netz an den Ursprungsprüfungen der Laufzeit vorbei erreichen
audit-cannot-environment = Umgebungsvariablen lesen oder Prozesse starten
audit-cannot-network = das Netz überhaupt erreichen (http ist nicht gewährt)
audit-cannot-credentials = die Zugangsdaten des Benutzers irgendwohin senden (der Mandant fügt für sie keine hinzu)
audit-cannot-storage = Daten zwischen Aufrufen behalten (storage ist nicht gewährt)
audit-cannot-documents = Dokumente öffnen oder speichern (documents ist nicht gewährt)
audit-cannot-notify = Benachrichtigungen senden (notify ist nicht gewährt)

## Was sie mit dem tun kann, was sie liest
audit-flow-inside = nichts, was sie liest, kann den Container verlassen: sie hat kein Netz
audit-flow-input = senden, was der Benutzer in ihr eingibt oder auswählt, an { $origins }
audit-flow-storage = ihre gespeicherten Daten an { $origins } senden
audit-flow-documents = die ihr übergebenen Dokumente an { $origins } senden
audit-flow-settings = die Einstellungen des Mandanten für sie an { $origins } senden
audit-flow-credentialed = was sie mit den Zugangsdaten des Benutzers von { $from } abruft, zu { $to } tragen
audit-flow-between = was sie von einem ihrer Ursprünge abruft, zu einem anderen tragen ({ $origins })
audit-flow-keep = was sie liest, in ihrem Speicher im Container behalten
audit-flow-notify = was sie liest, in Benachrichtigungen zeigen (im gesperrten Zustand: { $locked })
audit-locked-nothing = nichts
audit-locked-count = nur eine Anzahl
audit-locked-content = ihren Inhalt
audit-locked-shows-nothing = nichts wird gezeigt
audit-locked-shows-count = nur eine Anzahl
audit-locked-shows-content = der Inhalt wird gezeigt

## Riskante Einstellungen der Richtlinie
audit-finding-locked-content = Benachrichtigungen zeigen ihren Inhalt, während der Container gesperrt ist ([dlp] notifications_locked)
audit-finding-unknown-device = Geräte, die der Mandant nicht führt, dürfen den Container öffnen ([management] unknown_device = "allow")

## kapsel audit --diff
audit-diff-two = --diff nimmt zwei Pakete, ALT und NEU, und kein weiteres Paket
audit-diff-other-app = die beiden Pakete sind verschiedene Apps ({ $old } und { $new })
audit-diff-signer = der Signaturschlüssel hat sich von { $old } zu { $new } geändert
audit-diff-more = die neue Version verlangt mehr (Berechtigungen oder Ursprünge): prüfen Sie, was hinzukommt
audit-diff-update = { $id } { $old } → { $new }
audit-diff-none = keine Änderung
audit-diff-no-policy = ohne Richtlinie des Mandanten unbekannt

## Die Bezeichnungen der Berichte (eine Spalte) und ihre Werte
audit-verdict-approve = FREIGEBEN
audit-verdict-review = PRÜFEN
audit-verdict-reject = ABLEHNEN
audit-label-app = App
audit-label-package = Paket
audit-label-manifest = Manifest
audit-label-component = Komponente
audit-label-signature = Signatur
audit-label-policy = Richtlinie
audit-label-wasi = WASI
audit-label-verdict = Ergebnis
audit-label-tenant = Mandant
audit-label-signed-by = Signiert von
audit-label-integrity = Integrität
audit-label-update = Update
audit-label-capabilities = Berechtigungen
audit-label-origins = Ursprünge
audit-label-imports = Importe
audit-label-effective = Tatsächlich
audit-label-limits = Grenzen
audit-label-anchors = Anker
audit-app-value = { $name } ({ $id }) { $version } von { $by } — kapsel:app { $api }
audit-claimed = { $publisher } (Angabe des Manifests, nicht geprüft)
audit-component-value = sha256 { $hash } ({ $bytes } Byte)
audit-signature-valid = gültig, Schlüssel { $key }, { $trust }
audit-signature-invalid = UNGÜLTIG: { $problem }
audit-trusted = vom Mandanten als { $name } anerkannt
audit-trusted-by-file = als { $name } anerkannt von der Richtlinie, die { $key } signiert hat (prüfen Sie, dass das der Schlüssel des Mandanten ist)
audit-untrusted = KEIN Herausgeber, dem dieser Mandant vertraut
audit-listed-by-draft = als { $name } geführt von einer Richtlinie, für die niemand bürgt: NICHT anerkannt
audit-trust-not-established = Vertrauen nicht festgestellt (die angegebene Richtlinie ist nicht die signierte Richtlinie des Mandanten)
audit-trust-unknown = Vertrauen unbekannt (keine Richtlinie des Mandanten angegeben)
audit-tenant-value = { $name } ({ $id }), Seriennummer { $serial }
audit-policy-none = KEINE angegeben: Vertrauen und Freigaben lassen sich nicht beurteilen, das Ergebnis ist höchstens PRÜFEN
audit-policy-container = die des Containers: { $tenant }, signiert von { $key }
audit-policy-file-signed = Datei: { $tenant }, signiert von { $key }
audit-policy-file-unsigned = Datei: { $tenant }, NICHT SIGNIERT (ein Entwurf: er bürgt für niemanden)
audit-policy-file-altered = Datei: { $tenant }, nach dem Signieren VERÄNDERT: { $problem }
audit-policy-file-foreign = Datei: { $tenant }, NICHT die des Mandanten: { $problem }
audit-declared = Deklarierte Berechtigungen
audit-imports = Importe (aus der Binärdatei der Komponente gelesen)
audit-import-ok = ok
audit-import-no = NEIN
audit-wasi-sealed = abgeschottet: keine vorab geöffneten Verzeichnisse, keine Sockets, leere Umgebung
audit-wasi-open = verlangt WASI-Funktionen, die Kapsel nie bereitstellt
audit-effective = Tatsächliche Rechte unter dieser Richtlinie
audit-effective-draft = Tatsächliche Rechte unter dieser Richtlinie (ein Entwurf: noch ist nichts davon gewährt)
audit-effective-unknown = Tatsächliche Rechte: ohne Richtlinie des Mandanten unbekannt (--policy DATEI angeben)
audit-effective-nothing = keine: die Richtlinie gewährt dieser App keine Berechtigung
audit-storage-value = { $bytes } Byte gelten (das Manifest verlangt { $declared }, die Richtlinie erlaubt { $policy }: der kleinere Wert gilt)
audit-origin-value = { $origin } — { $addresses }; { $credentials }
audit-origin-private = private Adressen erlaubt
audit-origin-public = nur öffentliche Adressen
audit-credentials-basic = die Zugangsdaten des Benutzers: Basic (das Verzeichnispasswort)
audit-credentials-bearer = die Zugangsdaten des Benutzers: das dafür gespeicherte Token
audit-credentials-below = { $kind } unterhalb von { $paths }
audit-credentials-none = keine Zugangsdaten des Benutzers
audit-notify-value = höchstens { $count } je Aufruf; im gesperrten Zustand: { $locked }
audit-documents-value = das übergebene Dokument; speichert bis zu { $bytes } Byte
audit-log-value = die neuesten { $lines } Zeilen, im Container
audit-limit-call = Aufruf { $ms } ms
audit-limit-memory = Speicher { $bytes } Byte
audit-limit-response = HTTP-Antwort { $bytes } Byte
audit-limit-http-timeout = HTTP-Zeitlimit { $ms } ms
audit-anchors-none = keine hinzugefügt: die öffentlichen Web-Wurzelzertifikate
audit-anchors-only = nur diese Anker: den öffentlichen Web-Wurzelzertifikaten wird nicht vertraut
audit-cannot = Die App kann nicht
audit-can-with-data = Mit dem, was sie liest, kann die App
audit-mismatches = Abweichungen
audit-not-signed = NICHT SIGNIERT
audit-altered = nach dem Signieren VERÄNDERT: { $problem }
audit-publishers = Herausgeber
audit-apps = Apps
audit-preinstalled = (vorinstalliert)
