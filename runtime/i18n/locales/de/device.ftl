# Kapsel — device management, German. Every id in this file starts with `device-`.

## Dokumente
device-doc-devices = Geräteliste
device-doc-freshness = Aktualitätsnachweis
device-doc-rollover = Schlüsselwechsel
device-doc-enrolment = Anmeldeantrag
device-doc-receipt = Löschbestätigung
device-doc-unwritable = { $what } kann nicht geschrieben werden: { $error }
device-doc-wrong-signer = { $what }: signiert von { $key }, nicht mit dem Mandantenschlüssel, dem dieser Container vertraut
device-doc-too-large = { $what } ist größer als { $max } Bytes
device-doc-bad-signature = { $what } ist nicht gültig signiert: { $detail }
device-doc-unreadable = { $what } kann nicht gelesen werden: { $error }
device-request-key-mismatch = der Anmeldeantrag ist nicht mit dem Geräteschlüssel signiert, den er nennt
device-id-invalid = { $id } ist keine Geräte-ID (d- und 32 Hexadezimalziffern)

## Abruf der Dateien des Mandanten
device-fetch-not-https = die Adresse des Mandanten { $url } ist nicht https
device-fetch-missing = auf dem Server des Mandanten fehlt { $url }
device-fetch-not-text = { $url } ist kein UTF-8-Text
device-fetch-failed = { $url } kann nicht abgerufen werden: { $error }
device-fetch-redirect = { $url } leitet nach { $location } um; Kapsel folgt bei den Dokumenten des Mandanten keiner Umleitung
device-fetch-status = { $url } antwortete mit HTTP { $status }
device-fetch-no-address = { $host } lässt sich nicht auflösen
device-cannot-write = { $path } kann nicht geschrieben werden

## Prüfung des Abgerufenen
device-foreign-tenant = die Dokumente nennen einen anderen Mandanten
device-rollover-unpinned = ein Schlüsselwechsel, der nicht mit dem hinterlegten Mandantenschlüssel signiert ist, wurde abgelehnt
device-older-freshness = der Aktualitätsnachweis vom { $issued } ist älter als ein bereits gesehener ({ $seen }): abgelehnt
device-older-devices = die Geräteliste mit Seriennummer { $serial } ist älter als die bereits gesehene Seriennummer { $seen }: abgelehnt
device-older-policy = die veröffentlichte Richtlinie mit Seriennummer { $serial } ist älter als die installierte Seriennummer { $installed }: abgelehnt
device-clock-behind = das Dokument des Mandanten wurde am { $issued } ausgestellt, die Uhr dieses Geräts zeigt aber { $now }: die Uhr geht falsch
device-stale = der Aktualitätsnachweis des Mandanten ist am { $expired } abgelaufen: die Veröffentlichung ist veraltet
device-inconsistent = veröffentlichte Richtlinie, Geräteliste und Aktualitätsnachweis passen nicht zusammen

## Ablehnen und Löschen
device-refused = { $reason }. { $helpdesk }
device-wiped = Kapsel hat diesen Container gelöscht ({ $reason }); die Bestätigung liegt unter { $receipt }. { $helpdesk }
device-last-error = ; der letzte Versuch schlug fehl: { $error }
device-reason-locked = Ihre Behörde hat dieses Gerät gesperrt
device-reason-not-approved = Ihre Behörde hat dieses Gerät noch nicht freigegeben (senden Sie ihr die Datei enrolment-request.toml aus dem Container-Ordner)
device-reason-grace = der Mandant wurde zuletzt am { $last } erreicht, länger her, als die Offline-Frist erlaubt{ $error }
device-never = nie
device-reason-clock = die Uhr dieses Geräts ({ $now }) geht hinter eine bereits gesehene Zeit ({ $seen }) zurück; stellen Sie die Uhr richtig und verbinden Sie sich mit dem Netz
device-wipe-remote = Ihre Behörde hat es angeordnet
device-wipe-offline = länger kein Kontakt zum Mandanten, als die Richtlinie erlaubt
device-wipe-unknown = dieses Gerät steht nicht in der Geräteliste des Mandanten

## Das Geräteregister der Administration und die Veröffentlichung (kapsel tenant device, publish, rollover, receipt)
device-registry-what = das Geräteregister
device-registry-what-published = ein veröffentlichtes Dokument
device-registry-header = Geräteregister des Mandanten { $tenant }: die eigene Aufzeichnung der Administration, nicht signiert und nie veröffentlicht.
    Zusammen mit dem Mandantenschlüssel aufbewahren. Geschrieben von `kapsel tenant device`, gelesen von `kapsel tenant publish`.
device-registry-tenant-invalid = { $id } ist keine Mandantenkennung (Kleinbuchstaben, Ziffern und Bindestriche, höchstens 64 Zeichen)
device-registry-login-invalid = der Anmeldename im Anmeldeantrag ist nicht zulässig (1 bis { $max } Zeichen, keine Steuerzeichen)
device-registry-unreadable = das Geräteregister { $path } kann nicht gelesen werden: { $error }
device-registry-bad-key = Gerät { $id } in { $path } hat einen unbrauchbaren Schlüssel: { $error }
device-registry-duplicate = { $path } führt Gerät { $id } zweimal
device-registry-missing = unter { $path } gibt es noch kein Geräteregister: geben Sie bei der Freigabe des ersten Geräts den Mandanten an (`--tenant ID`), dann wird es angelegt
device-registry-tenant-differs = das Geräteregister { $path } gehört zum Mandanten { $registry }, nicht zu { $tenant }
device-registry-unwritable = das Geräteregister { $path } kann nicht geschrieben werden: { $error }
device-registry-cannot-write = { $path } kann nicht geschrieben werden
device-registry-cannot-lock = { $path } kann nicht gesperrt werden
device-registry-request-tenant = der Anmeldeantrag gilt dem Mandanten { $request }, dieses Register dem Mandanten { $registry }
device-registry-key-differs = Gerät { $id } ist bereits mit einem anderen Schlüssel freigegeben; dieser Antrag wird abgelehnt (ein Gerät, das sich neu anmeldet, erhält eine neue ID)
device-registry-key-taken = Gerät { $id } hat bereits den Schlüssel, den dieser Antrag nennt; der Antrag wird abgelehnt (ein kopierter Container?)
device-registry-unknown = Gerät { $id } steht nicht im Register (`kapsel tenant device list` zeigt die Geräte)
device-registry-wiped-final = Gerät { $id } hat sich am { $time } gelöscht (die Löschbestätigung liegt vor); es bleibt `wipe`: um das Gerät wieder zu nutzen, muss es sich neu anmelden
device-registry-receipt-unknown = die Löschbestätigung nennt Gerät { $id }, das nicht im Register steht
device-registry-receipt-signer = die Löschbestätigung ist nicht mit dem Schlüssel von Gerät { $id } signiert
device-registry-receipt-tenant = die Löschbestätigung gilt dem Mandanten { $receipt }, dieses Register dem Mandanten { $registry }
device-registry-valid-hours = der Aktualitätsnachweis muss 1 bis { $max } Stunden gelten, nicht { $hours }
device-registry-dir-missing = { $path } ist kein Ordner: legen Sie zuerst den Ordner an, den der Webserver veröffentlicht
device-registry-policy-refused = die Geräte würden diese Richtlinie ablehnen: { $error }
device-registry-policy-tenant = die Richtlinie gilt dem Mandanten { $policy }, das Register dem Mandanten { $registry }
device-registry-rollover-signer = der Schlüsselwechsel ist nicht mit dem alten Schlüssel signiert, den er nennt
device-registry-rollover-tenant = der Schlüsselwechsel gilt dem Mandanten { $rollover }, das Register dem Mandanten { $registry }
device-registry-rollover-new-key = der Schlüsselwechsel führt zu { $new }, die Dokumente würden aber mit { $key } signiert: nach einem Schlüsselwechsel veröffentlichen Sie mit dem neuen Schlüssel
device-registry-rollover-same-key = der alte und der neue Mandantenschlüssel sind derselbe
device-registry-policy-older = { $path } enthält bereits die Richtlinie mit Seriennummer { $published }; die Geräte würden Seriennummer { $serial } ablehnen: signieren Sie die Richtlinie mit einer höheren Seriennummer
device-registry-devices-older = { $path } enthält bereits die Geräteliste mit Seriennummer { $published }, das Register steht aber bei { $serial }: es ist älter als das Veröffentlichte (aus einer Sicherung zurückgespielt?), und die Geräte würden seine Liste ablehnen
device-registry-clock-behind = { $path } wurde am { $published } ausgestellt, später als die Uhr dieses Rechners zeigt ({ $now }): stellen Sie vor dem Veröffentlichen die Uhr richtig
device-registry-log-unreadable = das Zugriffsprotokoll kann nicht gelesen werden
device-registry-policy-signer = die Richtlinie ist mit { $signer } signiert, die Dokumente würden aber mit { $key } signiert: signieren Sie die Richtlinie mit dem Schlüssel, mit dem Sie veröffentlichen
