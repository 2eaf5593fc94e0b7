# Kapsel — host, German. Every id in this file starts with `host-`.


## Die Laufzeit und installierte Apps
host-link-wasi = WASI kann nicht eingebunden werden: { $error }
host-link-app = kapsel:app kann nicht eingebunden werden: { $error }
host-engine-start = die App-Laufzeit kann nicht gestartet werden: { $error }
host-epoch-start = der Zeitgeber der App-Laufzeit kann nicht gestartet werden: { $error }
host-app = App { $id }
host-document = Dokument { $id }
host-not-installed = die App { $id } ist nicht installiert
host-not-app-id = { $id } ist keine App-ID
host-record-malformed = der Eintrag der App { $id } ist fehlerhaft
host-component-changed = die gespeicherte Komponente der App { $id } wurde verändert
host-artifact-unloadable = die übersetzte App kann nicht geladen werden: { $error }
host-recompile = beim erneuten Übersetzen der App { $id }: { $error }
host-no-link = die App { $id } lässt sich nicht einbinden: { $error }
host-app-error = App { $id }: { $error }
host-publisher-untrusted = ein Herausgeber, dem die Behörde nicht mehr vertraut
host-the-package = das Paket
host-preinstall-unreadable = { $file } kann nicht gelesen werden ({ $error })

## Installation: Signatur, Herausgeber, Manifest, Komponente
host-untrusted-signer = das Paket ist von { $key } signiert, einem Herausgeber, dem diese Behörde nicht vertraut (die Richtlinie nennt vertraute Schlüssel unter [[publishers]])
host-deceptive-manifest = das Feld { $field } des Manifests enthält Zeichen, die ein Terminal ausführen würde ({ $chars }): abgelehnt, denn sie könnten Text vor Nutzenden und Prüfenden verbergen oder umkehren
host-apps-disabled = Micro-Apps sind von der Behörde abgeschaltet (`apps` unter [modules] in der Richtlinie)
host-compile-failed = die Komponente lässt sich nicht übersetzen: { $error }
host-not-fit = die Komponente passt nicht zu kapsel:app: { $error }
host-no-export = die Komponente exportiert kapsel:app/app nicht: { $error }
host-reserved-id = die App-ID { $id } ist den eingebauten Apps von Kapsel vorbehalten; { $signer } darf sie nicht veröffentlichen
host-bound-publisher = die Behörde bindet die App-ID { $id } an den Herausgeber { $bound }; dieses Paket ist von { $signer } signiert (`publisher` in [apps.{ $id }] der Richtlinie)
host-publisher-unlisted = ein Herausgeber, den die Behörde nicht mehr aufführt
host-other-signer = { $id } wurde aus einem Paket von { $owner } installiert; ein von { $signer } signiertes Paket kann es nicht ersetzen (entfernen Sie zuerst die App; dabei werden ihre Daten gelöscht)
host-downgrade = { $id } { $version } ist älter als die installierte Version { $installed }: ein Zurückstufen wird abgelehnt, sofern die Behörde es nicht erlaubt (apps.{ $id }.min_version)
host-manifest-invalid = das App-Manifest ist ungültig: { $error }
host-app-manifest = App-Manifest
host-manifest-problem = App-Manifest: { $problem }
host-manifest-id = id { $id } muss aus 1 bis 64 Zeichen a-z, 0-9, - bestehen (nicht mit - beginnend)
host-manifest-name = name muss 1 bis 128 Zeichen lang sein
host-manifest-version = version muss 1 bis 64 Zeichen lang sein
host-manifest-storage-quota = capabilities.storage.quota_bytes muss größer als 0 sein
host-manifest-tenant-configured = http.origins: { $value } muss allein stehen
host-api-unsupported = { $what }: die kapsel:app-API { $text } wird nicht unterstützt (diese Laufzeit akzeptiert { $supported })
host-not-component = keine WebAssembly-Komponente
host-component-malformed = die Komponente ist fehlerhaft: { $error }
host-section-not-text = der Abschnitt { $section } ist kein Text
host-section-not-version = der Abschnitt { $section } enthält { $text }, keine Version
host-two-api-versions = die Komponente nennt im Abschnitt { $section } zwei verschiedene API-Versionen
host-not-a-kapsel-app = die Komponente exportiert kapsel:app/app nicht: sie ist keine Kapsel-App
host-api-section-export = laut der Komponente wurde sie für die API { $section } gebaut, sie exportiert aber kapsel:app/app@{ $export }
host-api-manifest-mismatch = das Manifest nennt api = { $declared }, die Komponente wurde aber für { $built } gebaut: bauen Sie sie neu oder berichtigen Sie das Manifest
host-api-built-unsupported = die Komponente wurde für kapsel:app { $built } gebaut; diese Laufzeit akzeptiert { $supported }

## Die Paketdatei
host-package-truncated = das Paket ist unvollständig ({ $part })
host-manifest-too-large = das Manifest ist größer als 64 KiB
host-component-too-large = die Komponente ist größer als 64 MiB
host-component-file = die Komponentendatei ist keine WebAssembly-Komponente
host-unsigned = das Paket ist nicht signiert
host-signature-mismatch = die Signatur des Pakets passt nicht zu seinem Inhalt: es wurde nach dem Signieren verändert
host-not-a-package = kein Kapsel-App-Paket (.kapp)
host-package-version = die Paketformat-Version { $version } wird nicht unterstützt
host-manifest-not-utf8 = das Manifest ist kein UTF-8
host-bad-key-text = fehlerhafter Schlüsseltext
host-bad-signature-text = fehlerhafter Signaturtext
host-bad-signature-flag = fehlerhafte Signaturkennung { $flag }
host-trailing-bytes = das Paket hat überzählige Bytes am Ende

## Importe: was jeder bedeutet und wie über ihn entschieden wurde
host-import-not-interface = kein Import einer Schnittstelle
host-import-unsupported-version = nicht unterstützte kapsel:app-Version
host-import-unknown-app = unbekannte kapsel:app-Schnittstelle
host-wasi-io = nur Datenströme, Uhren und Zufallszahlen innerhalb des Prozesses
host-wasi-environment = leere Umgebung, keine Argumente
host-wasi-stdin = stdin ist geschlossen
host-wasi-stdout = wird in das Protokoll der App im Container geschrieben
host-wasi-exit = beendet den Aufruf mit einem Fehler
host-wasi-terminal = kein Terminal
host-wasi-filesystem = keine vorab geöffneten Verzeichnisse: es lässt sich nichts öffnen
host-import-sockets = Sockets umgehen die Prüfung der Ursprünge durch die Laufzeit; kapsel:app/http verwenden
host-import-wasi-http = wasi:http umgeht die Prüfung der Ursprünge durch die Laufzeit; kapsel:app/http verwenden
host-import-wasi-other = eine WASI-Schnittstelle, die Kapsel nicht bereitstellt
host-import-unknown = unbekannte Schnittstelle
host-import-undeclared = importiert { $name }, aber das Manifest deklariert { $capability } nicht
host-import-granted = deklariert und gewährt
host-import-not-granted = die Richtlinie der Behörde gewährt { $capability } nicht für { $app } (`{ $key }` in ihrem [apps.{ $app }])
host-import-no-policy = deklariert; zur Beurteilung lag keine Richtlinie der Behörde vor
host-import-types = immer verfügbar (Ansichtstypen, die Einstellungen der Behörde für diese App)
host-import-sealed = abgeschottet: { $note }
host-refused-import = abgelehnt: { $name } ({ $reason })

## Aufrufe: wie eine App angehalten wurde und was sie gemeldet hat
host-trap-timeout = die App lief länger als ihr Zeitbudget von { $ms } ms und wurde angehalten
host-trap-stack = der Stack der App ist übergelaufen; sie wurde angehalten
host-trap-panic = die App ist abgestürzt (panic) und wurde angehalten
host-trap-memory = die App hat auf Speicher außerhalb ihres Bereichs zugegriffen und wurde angehalten
host-trap-other = die App wurde angehalten: { $trap }
host-trap-exit = die App hat sich mit dem Status { $status } beendet
host-trap-limit = die App hat ihr { $limit } überschritten und wurde angehalten
host-trap-failed = die App ist fehlgeschlagen: { $error }
host-limit-memory = Speicherlimit von { $mib } MiB
host-limit-table = Tabellenlimit von { $limit } Einträgen
host-no-documents = die App { $id } darf keine Dokumente öffnen
host-discarded-documents = ; die { $count } Dokument(e), die sie bei diesem Aufruf gespeichert hat, wurden verworfen
host-app-stopped = App { $id }: { $reason }{ $discarded }
host-app-error-not-found = nicht gefunden
host-app-error-invalid-input = ungültige Eingabe
host-app-error-denied = verweigert
host-app-error-failed = fehlgeschlagen
host-app-said = App { $id }: { $kind }: { $text }
host-app-damaged = die App { $id } ist auf beschädigte Daten im Container gestoßen: { $damage }

## Ansichten
host-link-scheme = es werden nur http(s)-Links angezeigt, nicht { $scheme }:
host-link-not-absolute = es ist keine vollständige Webadresse
host-link-removed = ein Link wurde entfernt: { $reason }
host-view-blocks = die App hat { $count } Blöcke geliefert (höchstens { $max })
host-view-text = die App hat { $bytes } Bytes Text geliefert (höchstens { $max })
host-view-image = die App hat ein Bild von { $width }×{ $height } Pixeln mit { $bytes } Bytes geliefert (Seiten 1 bis { $max } Pixel, 3 Bytes je Pixel)
host-view-picture = Bild
host-not-a-url = keine URL

## Berechtigungen: Ablehnungen, die die App erhält
host-deny-documents = Dokumente sind dieser App nicht gewährt (`documents = true` unter [capabilities] ihres Manifests und in [apps.{ $app }] der Richtlinie)
host-no-document-handed = dieser App wurde kein Dokument übergeben
host-read-limit = höchstens { $max } Bytes auf einmal lesen
host-save-limit = von Apps gespeicherte Dokumente sind höchstens { $max } Bytes groß
host-writers-limit = höchstens { $max } Dokumente je Aufruf stückweise schreiben
host-piece-limit = höchstens { $max } Bytes auf einmal anhängen
host-writer-finished = dieses Dokument ist schon abgeschlossen
host-documents-quota = die Dokumente der App würden ihr Kontingent von { $quota } Bytes überschreiten (`documents_quota_bytes` in [apps.{ $app }])
host-no-such-document = kein Dokument { $id }
host-deny-notify = Benachrichtigungen sind dieser App nicht gewährt (`notify = true` unter [capabilities] ihres Manifests und in [apps.{ $app }] der Richtlinie)
host-notify-limit = höchstens { $max } Benachrichtigungen pro Aufruf
host-deny-storage = Speicher ist dieser App nicht gewährt (`storage = { "{" } quota_bytes = … { "}" }` unter [capabilities] ihres Manifests und `storage_quota_bytes` in [apps.{ $app }] der Richtlinie)
host-storage-key = Schlüssel bestehen aus 1 bis { $max } druckbaren Zeichen
host-deny-http = http ist dieser App nicht gewährt (`http = { "{" } origins = […] { "}" }` unter [capabilities] ihres Manifests und `http_origins` in [apps.{ $app }] der Richtlinie)
host-origin-not-granted = { $origin } ist kein Ursprung, der dieser App gewährt ist (die `http`-Ursprünge des Manifests und `http_origins` in [apps.{ $app }] der Richtlinie müssen ihn beide abdecken)
host-plain-http = unverschlüsseltes http zu { $host } ist von der Behörde nicht erlaubt (`plaintext_hosts` unter [tls] in der Richtlinie)
host-cannot-resolve = { $host } kann nicht aufgelöst werden: { $error }
host-no-address = { $host } hat keine Adresse
host-restricted-address = { $host } verweist auf { $ip }, eine Loopback-, private oder link-lokale Adresse, die die Behörde nicht gewährt hat (`http_private_origins` in [apps.{ $app }] der Richtlinie erlaubt einen Ursprung im Intranet)
host-no-credentials = in dieser Sitzung liegen keine Zugangsdaten des Benutzerkontos vor
host-no-token = für { $origin } ist kein Token gespeichert
host-request-limit = höchstens { $max } Anfragen pro Aufruf
host-header-reserved = den Header { $name } setzt die Laufzeit, nicht die App
host-header-malformed = der Header { $name } ist fehlerhaft
host-bad-redirect = fehlerhaftes Weiterleitungsziel { $location }: { $error }
host-redirect-limit = mehr als { $max } Weiterleitungen
host-too-many-redirects = zu viele Weiterleitungen
host-credentials-echoed = { $origin } hat die eingefügten Zugangsdaten zurückgesendet; { $count } Vorkommen wurden entfernt, bevor die App die Antwort sah

## Berechtigungen in den Worten der Prüfung (deklariert, gewährt, Richtlinienzeilen, Befunde)
host-documents-declared = das übergebene Dokument; neue speichern
host-documents-granted = das übergebene Dokument; neue im Container speichern (bis zu { $bytes } Bytes)
host-policy-documents = documents (speichert bis zu { $bytes } Bytes)
host-log-declared = App-Protokoll im Container
host-log-granted = App-Protokoll im Container (die neuesten { $lines } Zeilen)
host-notify-declared = Benachrichtigungen
host-notify-granted = Benachrichtigungen (höchstens { $count } pro Aufruf)
host-storage-quota = Kontingent { $bytes } Bytes
host-policy-storage = storage { $bytes } Bytes
host-finding-storage = Speicherkontingent über 1 GiB ({ $bytes })
host-concern-tenant-origins = die http-Ursprünge legt die Freigabe der Behörde fest, nicht die App
host-wildcard-origin = Ursprung mit Platzhalter { $origin }
host-plaintext-origin = unverschlüsselter Ursprung { $origin }
host-policy-private = privates Netz { $origin }
host-finding-private = kann Loopback- und private Adressen unter { $origin } erreichen
host-policy-every-path = jeder Pfad
host-policy-paths = Pfade { $paths }
host-policy-basic = Zugangsdaten (basic: das Verzeichnispasswort) an { $origin }, { $scope }
host-finding-basic = die Zugangsdaten des Benutzerkontos, also das Verzeichnispasswort selbst (Basic), gehen an { $origin } für { $scope }: dieser Server sieht das Passwort, und einer, der Anfrage-Header zurückgibt, würde es der App zeigen (die Laufzeit entfernt es aus Antworten; ein Token je Ursprung begrenzt den Schaden auf diesen einen Dienst)
host-policy-bearer = Zugangsdaten (dafür gespeichertes Bearer-Token) an { $origin }, { $scope }
host-finding-bearer = das für { $origin } gespeicherte Token des Benutzerkontos wird den Anfragen der App hinzugefügt

## Die Prüfberichte (kapsel audit)
host-report-not-signed = nicht signiert
host-report-signature = Signatur: { $problem }
host-report-untrusted = dem Schlüssel des Herausgebers vertraut diese Behörde nicht
host-report-deceptive = das Feld { $field } des Manifests enthält Zeichen, die ein Terminal ausführen würde ({ $chars }): { $consequence }
host-report-escape = Escape-Sequenzen können Zeilen dieses Berichts verbergen; die Installation lehnt das ab
host-report-bidi = Richtungssteuerzeichen können einen Namen rückwärts erscheinen lassen
host-mismatch-undeclared = importiert { $capability }, ohne es zu deklarieren
host-mismatch-unused = deklariert { $capability }, aber der Code importiert es nie
host-report-over-asking = deklariert { $capability }, ohne es zu nutzen (verlangt zu viel)
host-mismatch-not-granted = deklariert { $capability }, aber die Behörde gewährt es nicht
host-mismatch-origin = der Ursprung { $origin } ist deklariert, aber nicht gewährt
host-report-all-good = signiert, jeder Import deklariert und gewährt, WASI abgeschottet
host-policy-unsigned = die Richtlinie ist nicht signiert: ein Container wird sie ablehnen
host-finding-integrity-off = die Integritätsprüfung { $name } ist ausgeschaltet
host-finding-plaintext = unverschlüsselte Verbindungen erlaubt für { $hosts }
host-finding-idle-lock = Sperre bei Inaktivität erst nach { $minutes } Minuten

## Verpacken: die Importe der Komponente gegen ihr eigenes Manifest
host-package-refused = nicht verpackt: die Komponente von { $id } verwendet, was ihr Manifest nicht erlaubt — { $problems }
host-package-undeclared = { $reason } (`{ $declaration }` unter [capabilities] in manifest.toml ergänzen oder die Verwendung entfernen)
host-package-never-linked = { $name }: { $reason } (Kapsel bindet das nie an; die Abhängigkeit entfernen, die es mitbringt)
