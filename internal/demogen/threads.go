package main

import (
	"fmt"
	"image/color"
	"strings"
	"time"
)

// More Lumen staff, mostly seen as recipients of all-hands mail.
var (
	lea    = &person{name: "Léa Rousseau", addr: "lea.rousseau@lumen.example", lang: "fr", tz: locParis, mua: thunderbird("UTF-8", "8bit", nameEnc{"UTF-8", false})}
	marco  = &person{name: "Marco Bianchi", addr: "marco.bianchi@lumen.example", lang: "en", tz: locParis, mua: gmail("top")}
	yasmin = &person{name: "Yasmin Haddad", addr: "yasmin.haddad@lumen.example", lang: "en", tz: locParis, mua: appleMail()}
	oskar  = &person{name: "Oskar Lindqvist", addr: "oskar.lindqvist@lumen.example", lang: "en", tz: locParis, mua: gmail("top")}
	chloe  = &person{name: "Chloé Bernard", addr: "chloe.bernard@lumen.example", lang: "fr", tz: locParis, mua: appleMail()}
	daniel = &person{name: "Daniel O'Brien", addr: "daniel.obrien@lumen.example", lang: "en", tz: locParis, mua: gmail("top")}
)

var lumenDev = &mlist{
	p:      &person{name: "Lumen developers", addr: "lumen-dev@lists.lumen.example", tz: locUTC, mua: &mua{names: nameEnc{"utf-8", true}}},
	id:     "Lumen developers <lumen-dev.lists.lumen.example>",
	tag:    "[lumen-dev] ",
	web:    "https://lists.lumen.example/postorius/lists/lumen-dev.lists.lumen.example/",
	domain: "lists.lumen.example",
	local:  "lumen-dev",
}

func ciLog(r *rng) string {
	var sb strings.Builder
	t := at(time.UTC, 2026, 8, 17, 23, 41)
	step := func(f string, a ...any) {
		t = t.Add(time.Duration(r.between(40, 900)) * time.Millisecond)
		fmt.Fprintf(&sb, "%s %s\n", t.Format("2006-01-02T15:04:05.000Z"), fmt.Sprintf(f, a...))
	}
	step("Running on runner arm64-ci-07 (linux/arm64), job 48213, pipeline 9120")
	step("Fetching changes with git depth set to 20...")
	step("Checking out 5c1e9a2f as detached HEAD (ref is main)...")
	step("$ go version")
	step("go version go1.26.8 linux/arm64")
	step("$ go test -race -count=1 ./imapsync/...")
	for _, tname := range []string{"TestInitialSync", "TestFlagsOnly", "TestExpungeGap", "TestUIDValidityChange", "TestMoveDetection", "TestLargeMailbox", "TestIdleBasic", "TestIdleTimeout"} {
		step("=== RUN   %s", tname)
		step("--- PASS: %s (%.2fs)", tname, float64(r.between(2, 900))/100)
	}
	step("=== RUN   TestIdleReconnect")
	step("    idle_test.go:142: server: * OK [CLOSED] Previous mailbox is now closed")
	step("    idle_test.go:151: client: A0007 IDLE")
	step("    idle_test.go:151: server: * 3 EXISTS")
	step("    idle_test.go:151: server: + idling")
	for i := 0; i < 28; i++ {
		step("    idle_test.go:170: waiting for EXISTS (attempt %d/30)", i+1)
	}
	step("    idle_test.go:187: timeout waiting for EXISTS after reconnect")
	step("    idle_test.go:188: server log: * OK [CLOSED] Previous mailbox is now closed")
	step("--- FAIL: TestIdleReconnect (30.02s)")
	step("FAIL")
	step("FAIL\tgithub.com/lumen/mailaccess/imapsync\t41.337s")
	step("ERROR: Job failed: exit code 1")
	return sb.String()
}

func (g *gen) threads() {
	r := g.r.fork("threads")
	pdf := func(title string, d time.Time, lines ...string) []byte { return makePDF(title, d, lines) }

	// T1: roadmap discussion (Projects).
	g.runThread(thread{
		subject: "mailaccess roadmap for H1 2027 – please comment by Wednesday",
		folder:  fProjects, start: at(locParis, 2026, 10, 26, 9, 14),
		msgs: []tmsg{
			{from: camille, to: []*person{owner, jurgen, priya, tomas, noah}, text: `Bonjour à tous,

Ahead of Thursday's planning session, here is my draft of the priorities for mailaccess in H1 2027. Please reply with comments before Wednesday evening so I can consolidate.

1. Sync engine: CONDSTORE/QRESYNC support, so we stop refetching the flags of whole mailboxes (Jürgen, Alex).
2. Threading view in the web UI, based on References/In-Reply-To with a subject fallback (Priya).
3. Remote content blocking: images and CSS from remote hosts off by default, one click to allow per sender.
4. Attachment previews for PDF and images, generated server-side and cached.
5. Search: server-side SEARCH where the IMAP server is good at it, a local index otherwise.

Non-goals for H1: calendar, contacts sync, mobile app.

The plan assumes two and a half engineers plus Priya at 50 %. If something has to give, I would drop (4) first.

Merci !
Camille`},
			{from: jurgen, all: true, after: dur(0, 2, 41), text: `Two remarks on (1):

- QRESYNC only helps with servers that actually implement it. In our telemetry about 30 % of the accounts are on servers without CONDSTORE (mostly older Exchange and one hoster's Courier setup). We need to keep the full-resync path fast anyway.
- We should budget time for the UIDVALIDITY-change case. Today we drop the whole cache of the mailbox; with MODSEQ in the picture the edge cases multiply.

I'd estimate (1) at 6-8 weeks for me, not 4.

Jürgen`},
			{from: owner, all: true, after: dur(1, 1, 3), text: `Hi all,

I agree with Jürgen's estimate. I can take the UIDVALIDITY and fallback paths so that he can focus on QRESYNC itself.

On (3): we already sanitize HTML with an allow-list, so blocking remote images is mostly UI work plus a per-sender preference in the settings table. I think it fits in two weeks including tests.

For (5) I'd like to spike for a week before we commit to anything. Some servers (Dovecot with FTS, Gmail) are excellent at SEARCH, others return garbage for non-ASCII terms.

Alex`},
			{from: priya, all: true, re: 1, after: dur(0, 3, 12), text: `Hi everyone,

From the design side, threading (2) and remote content (3) are what users mention most in the interviews: 9 of 12 people asked for a conversation view, and two were surprised that opening a newsletter "tells the sender" they read it.

I have early mockups for the thread view and will share them at the design review on Friday.

Could we keep attachment previews (4) at least for images? That one is cheap and very visible.

Priya`},
			{from: camille, all: true, after: dur(1, 2, 5), flag: true, text: `Thanks for the quick feedback. Updated plan attached (v2):

- (1) now 8 weeks, Jürgen + Alex; Alex owns UIDVALIDITY handling and the non-CONDSTORE fallback.
- (3) moved up, Alex + Priya, target end of January.
- (4) reduced to image previews; PDF previews move to H2.
- (5) starts with a one-week spike (Alex), decision afterwards.

I will present this at the all-hands on 12 November. Shout now if something looks wrong.

Camille`, files: []att{{name: "mailaccess-roadmap-2027-H1-v2.pdf", ctype: "application/pdf", data: pdf("mailaccess roadmap H1 2027 (v2)", at(locParis, 2026, 10, 28, 10, 0),
				"1. Sync engine: CONDSTORE/QRESYNC - 8 weeks - Juergen, Alex",
				"   UIDVALIDITY handling and non-CONDSTORE fallback - Alex",
				"2. Thread view (web UI) - 6 weeks - Priya, Alex",
				"3. Remote content blocking - 2 weeks - Alex, Priya - end of January",
				"4. Image previews - 2 weeks - Juergen",
				"5. Search spike - 1 week - Juergen",
				"", "Non-goals: calendar, contacts sync, mobile app.",
				"Capacity: 2.5 engineers + design at 50%.")}}},
			{from: owner, to: []*person{camille}, after: dur(0, 0, 38), text: `Looks good to me. One small thing: in the PDF the search spike is listed under Jürgen; it should be me.

Alex`},
		},
	})

	// T2: Nordwind maintenance contract (INBOX), Outlook in windows-1252.
	g.runThread(thread{
		subject: "Wartungsvertrag 2027 – Rückfragen zum Angebot",
		folder:  fInbox, start: at(locBerlin, 2026, 9, 14, 10, 7),
		msgs: []tmsg{
			{from: bjorn, to: []*person{owner}, cc: []*person{gunther}, text: `Hallo Herr Morgan,

vielen Dank für Ihr Angebot vom 2. September für den Wartungsvertrag 2027. Bevor wir es intern freigeben können, hätte ich noch ein paar Rückfragen:

1. Sind in der Pauschale von 1.450 € pro Monat auch die Updates auf neue Hauptversionen enthalten, oder nur Sicherheits- und Fehlerbehebungen?
2. Die Reaktionszeit von 4 Stunden gilt laut Anlage B nur werktags von 8 bis 18 Uhr. Können Sie uns eine Option für Wochenenden anbieten?
3. Wir betreiben „mailaccess“ inzwischen mit ca. 1.800 Postfächern. Ab welcher Anzahl ändert sich der Preis?

Ein kurzer Termin nächste Woche wäre auch möglich – Dienstag oder Donnerstag Vormittag passt mir gut.

Mit freundlichen Grüßen`},
			{from: owner, all: true, after: dur(0, 5, 12), text: `Hallo Herr Schäfer,

thank you for the detailed questions. I'll answer in English if that's all right; my German is better at reading than at writing.

1. Yes, major version upgrades are included. We plan one major release per year, and we do the upgrade ourselves in a maintenance window of your choice.
2. Weekend on-call is available as an option: 4-hour response on Saturdays, Sundays and public holidays for 320 € per month.
3. The price stays the same up to 2,500 mailboxes. Above that you would move to the next tier (1,790 € per month).

Thursday 24 September at 10:00 works for me. I'll send an invitation.

Best regards,
Alex Morgan`},
			{from: bjorn, all: true, after: dur(1, 2, 20), text: `Hallo Herr Morgan,

vielen Dank für die schnelle und ausführliche Antwort. Donnerstag um 10:00 Uhr passt, die Einladung habe ich angenommen.

Die Wochenend-Option nehmen wir voraussichtlich dazu. Herr Weiß wird die Freigabe nach unserem Termin erteilen.

Mit freundlichen Grüßen`},
			{from: gunther, to: []*person{owner}, cc: []*person{bjorn, anne}, after: dur(10, 3, 2), flag: true, text: `Sehr geehrter Herr Morgan,

nach unserem Gespräch letzte Woche haben wir das Angebot intern besprochen. Hiermit bestätige ich den Wartungsvertrag 2027 inklusive der Wochenend-Option zu den genannten Konditionen.

Die unterschriebene Auftragsbestätigung schickt Ihnen Frau Köhler aus der Buchhaltung in den nächsten Tagen per Post und als PDF.

Mit freundlichen Grüßen`},
			{from: owner, all: true, after: dur(0, 2, 47), text: `Sehr geehrter Herr Weiß,

vielen Dank für Ihre Bestätigung! We are looking forward to another year of working together. I have informed our accounting team; the first invoice under the new contract will be issued in January.

Mit freundlichen Grüßen / Best regards,
Alex Morgan`},
		},
	})

	// T3: Yamada, ISO-2022-JP (INBOX).
	g.runThread(thread{
		subject: "【ご相談】11月のオンライン打ち合わせ日程について",
		folder:  fInbox, start: at(locTokyo, 2026, 10, 5, 10, 32),
		msgs: []tmsg{
			{from: yamada, to: []*person{owner}, cc: []*person{suzuki}, text: `Lumen Systems
Alex Morgan 様

いつも大変お世話になっております。
桜商事の山田です。

先日ご相談いたしましたメールアーカイブ連携の件で、
11月中にオンラインでお打ち合わせの機会をいただけないでしょうか。

候補日は以下の通りです（日本時間）。
・11月10日(火) 17:00-18:00
・11月12日(木) 16:00-17:00
・11月13日(金) 17:00-18:00

ご都合の良い日時をお知らせいただけますと幸いです。
当日は弊社システム部の鈴木も同席いたします。

何卒よろしくお願い申し上げます。`},
			{from: owner, all: true, after: dur(0, 8, 3), text: `Dear Yamada-san,

Thank you for your email. Thursday 12 November, 16:00-17:00 JST works well for me; that is 08:00 in Lyon.

I will send a video conference link a few days before the meeting. If possible, could Suzuki-san share the current mail volume and retention requirements in advance? That would help me prepare a concrete proposal.

Best regards,
Alex Morgan`},
			{from: yamada, all: true, after: dur(0, 17, 50), text: `Alex Morgan 様

お世話になっております。山田です。

早速のご返信ありがとうございます。
それでは11月12日(木) 16:00-17:00（日本時間）でお願いいたします。

メール量と保存要件については、鈴木より別途ご連絡いたします。

Thank you very much.
引き続きよろしくお願いいたします。`},
			{from: suzuki, to: []*person{owner}, cc: []*person{yamada}, after: dur(1, 4, 11), text: `Hi Alex,

Suzuki here (山田の同僚です). As promised, some numbers for our environment:

- about 420 mailboxes, 3.1 TB in total
- roughly 85,000 incoming messages per day, 30 % of them with attachments
- retention: 7 years for accounting-related mail (電子帳簿保存法), 3 years for everything else
- many messages are still ISO-2022-JP or Shift_JIS, so search must handle those charsets correctly

Looking forward to the meeting on the 12th.

Best regards,
Ichiro Suzuki`},
		},
	})

	// T4: Dmitri, KOI8-R 8bit, invoice PDFs (INBOX).
	g.runThread(thread{
		subject: "Счёт за сентябрь и акт выполненных работ",
		folder:  fInbox, start: at(locMoscow, 2026, 10, 2, 11, 20),
		msgs: []tmsg{
			{from: dmitri, to: []*person{owner}, text: `Добрый день, Алекс!

Направляю счёт N 2026-09 за сентябрь и акт выполненных работ по договору N 14/2025 (перевод и локализация интерфейса mailaccess на русский язык).

Итого к оплате: 2 400 EUR, срок оплаты - 30 дней.

Акт, пожалуйста, подпишите и пришлите скан ответным письмом.

Если будут вопросы по счёту - пишите или звоните.

С уважением,
Дмитрий`, files: []att{
				{name: "Счёт_2026-09.pdf", ctype: "application/pdf", data: pdf("Invoice 2026-09 / Schet 2026-09", at(locMoscow, 2026, 10, 1, 17, 0),
					"Volga Soft LLC, Kazan", "Customer: Lumen Systems SAS, Lyon", "Contract 14/2025",
					"Translation and localisation of the mailaccess UI (ru), September 2026",
					"Hours: 48 x 50.00 EUR", "Total: 2,400.00 EUR", "Payment terms: 30 days")},
				{name: "Акт_2026-09.pdf", ctype: "application/pdf", data: pdf("Act of completed works 2026-09", at(locMoscow, 2026, 10, 1, 17, 5),
					"Contractor: Volga Soft LLC", "Customer: Lumen Systems SAS", "Works completed in full and on time.",
					"Signature (contractor): ______________", "Signature (customer): ______________")},
			}},
			{from: owner, after: dur(1, 3, 12), text: `Hello Dmitri,

Thank you. The invoice has been forwarded to our accounting team and will be paid within the usual 30 days.

The signed act is attached.

Спасибо!
Alex`, files: []att{{name: "Akt_2026-09_signed.pdf", ctype: "application/pdf", data: pdf("Act of completed works 2026-09 (signed)", at(locParis, 2026, 10, 3, 14, 0),
				"Contractor: Volga Soft LLC", "Customer: Lumen Systems SAS", "Works completed in full and on time.",
				"Signature (contractor): D. Ivanov", "Signature (customer): A. Morgan")}}},
			{from: dmitri, after: dur(0, 2, 4), text: `Алекс, спасибо, акт получил.

Кстати, Ольга закончила перевод раздела настроек, завтра пришлёт файл на проверку.

С уважением,
Дмитрий`},
		},
	})

	// T5: Giorgos, ISO-8859-7 quoted-printable (INBOX).
	statsCSV := "\uFEFFfolder;messages;unread;size_mb\r\nΕισερχόμενα;18234;112;2310\r\nΕισερχόμενα/Πελάτες;4410;9;812\r\nΑπεσταλμένα;6021;0;655\r\nΠρόχειρα;14;0;1\r\nΑρχείο/2025;30322;0;4098\r\nΑνεπιθύμητα;512;498;37\r\n"
	g.runThread(thread{
		subject: "Dashboard export: CSV encoding issue with Greek folder names",
		folder:  fInbox, start: at(locAthens, 2026, 6, 10, 14, 5),
		msgs: []tmsg{
			{from: giorgos, to: []*person{owner}, text: `Γεια σου Alex,

We noticed a problem with the CSV export of the mailbox statistics dashboard. When a folder name contains Greek characters, e.g. "Εισερχόμενα/Πελάτες", Excel shows garbage instead of the Greek letters.

I suspect the export writes UTF-8 without a BOM and Excel falls back to Windows-1253. LibreOffice opens the same file correctly.

Could you add a BOM, or an option for it? Otherwise our support team has to explain the import wizard to every customer.

Ευχαριστώ,
Γιώργος`},
			{from: owner, after: dur(0, 4, 2), text: `Hi Giorgos,

Good catch, and your analysis is right: we write UTF-8 without a BOM. I've added a "For Excel" checkbox to the export dialog which prepends the BOM and uses semicolons as separators; it will be in next Tuesday's release.

Attached is a sample generated with the patched build. Could you check that it opens correctly on your side?

Alex`, files: []att{{name: "mailbox-stats-sample.csv", ctype: "text/csv", data: []byte(statsCSV)}}},
			{from: giorgos, after: dur(0, 20, 15), text: `Hi Alex,

Tested with Excel 2019 and Excel for Mac: both open the sample correctly, the folder names look fine.

Thanks for the fast fix!

Γιώργος`},
		},
	})

	// T6: Iberia Digital, ISO-8859-1 Outlook and Gmail (INBOX).
	g.runThread(thread{
		subject: "Propuesta de colaboración - integración de correo web para los clientes de Iberia Digital",
		folder:  fInbox, start: at(locMadrid, 2026, 4, 20, 9, 45),
		msgs: []tmsg{
			{from: mariajose, to: []*person{owner}, cc: []*person{anabelen}, text: `Estimado Alex:

Le escribo de parte de Iberia Digital. Gestionamos la infraestructura de correo de unas cuarenta pymes en Madrid y Sevilla, y estamos buscando un cliente web moderno que podamos ofrecerles con nuestra marca.

Nos han hablado muy bien de mailaccess. ¿Sería posible organizar una llamada para conocer las opciones de licencia para proveedores de servicios y el soporte en español?

Nuestra jefa de proyecto, Ana Belén Ruiz, está en copia y coordinará la parte técnica.

Un cordial saludo,`},
			{from: owner, all: true, after: dur(0, 6, 8), text: `Estimada María José,

Thank you for your interest in mailaccess, and apologies for answering in English.

We do have a reseller licence for service providers, including white-labelling and a Spanish user interface (the translation is complete; only the admin console is still English-only). Support is provided in English and French; Spanish-language support is available through our partner network.

I'm available for a call on Thursday or Friday this week, any time between 10:00 and 16:00 CEST.

Kind regards,
Alex Morgan`},
			{from: anabelen, all: true, after: dur(1, 0, 31), text: `Hola Alex,

¡Gracias por la respuesta tan rápida! El viernes a las 11:00 nos vendría perfecto a las dos.

Te adelanto algunas preguntas técnicas para la llamada:
- ¿Soporta OAuth2 contra nuestros servidores Dovecot?
- ¿Se puede desplegar en nuestra propia infraestructura (Kubernetes)?
- ¿Cómo se gestionan los adjuntos grandes (más de 25 MB)?

Un saludo,
Ana Belén`},
			{from: mariajose, all: true, after: dur(3, 5, 40), flag: true, text: `Estimado Alex:

Muchas gracias por la llamada del viernes, nos resultó muy útil.

Como acordamos, le enviamos adjunto el listado de requisitos técnicos. Quedamos a la espera de su propuesta económica para 40 clientes y unos 1.200 buzones.

Un cordial saludo,`, files: []att{{name: "Requisitos técnicos Iberia Digital.pdf", ctype: "application/pdf", data: pdf("Requisitos tecnicos - Iberia Digital", at(locMadrid, 2026, 4, 24, 12, 0),
				"1. Autenticacion OAuth2 (Dovecot 2.3, Keycloak)", "2. Despliegue en Kubernetes propio (Helm chart)",
				"3. Adjuntos hasta 50 MB", "4. Interfaz en espanol y catalan", "5. Marca blanca: logotipo, colores, dominio propio",
				"6. Soporte: horario laboral de Espana", "Volumen: 40 clientes, aprox. 1.200 buzones")}}},
		},
	})

	// T7: family (INBOX), us-ascii from an iPad, photos.
	g.runThread(thread{
		subject: "Sunday lunch & the garden photos",
		folder:  fInbox, start: at(locLondon, 2026, 5, 16, 18, 22),
		msgs: []tmsg{
			{from: mum, to: []*person{owner}, cc: []*person{chris}, text: `Hello love,

Your dad finally finished the new vegetable beds, so I took some pictures for you. The tomatoes are in and the sweet peas are already climbing the fence!

Are you still coming over for Sunday lunch on the 31st? Chris says he can pick you up from the station at 12. I'm doing roast lamb unless you tell me otherwise.

Lots of love,
Mum`, files: []att{
				{name: "IMG_4031.jpeg", ctype: "image/jpeg", data: makePhotoJPEG(r.fork("img4031"), 320, 240)},
				{name: "IMG_4032.jpeg", ctype: "image/jpeg", data: makePhotoJPEG(r.fork("img4032"), 320, 240)},
			}},
			{from: owner, all: true, after: dur(0, 3, 4), text: `Hi Mum,

The beds look great, tell Dad he did a proper job. Is that the old apple tree at the back of the second photo? It looks enormous.

Yes, I'm coming on the 31st. The train gets into Guildford at 11:52, so 12 is perfect for Chris. Lamb sounds lovely; I'll bring dessert.

Love,
Alex`},
			{from: chris, all: true, after: dur(0, 0, 41), text: `Happy to do the station run 🚗 Just don't expect me to be on time, the A3 is a car park on Sundays.

Mum, the sweet peas look amazing!`},
			{from: mum, all: true, after: dur(0, 14, 2), text: `That's wonderful, I'll tell Dad. Yes that's the old Bramley, we'll have plenty of apples again this autumn.

Chris, please do leave a bit early.

Love, Mum`},
			{from: owner, all: true, after: dur(0, 2, 10), text: `See you both on the 31st then! x`},
		},
	})

	// T8: Hélène, ISO-8859-15 (INBOX).
	g.runThread(thread{
		subject: "Week-end à Lyon en juin ?",
		folder:  fInbox, start: at(locParis, 2026, 5, 3, 21, 14),
		msgs: []tmsg{
			{from: helene, to: []*person{owner}, text: `Salut Alex,

Ça fait une éternité ! Avec Julien, on pense venir à Lyon le week-end du 13-14 juin. On a trouvé un petit hôtel près des Terreaux pour 89 € la nuit, ça te dirait qu'on se fasse un bouchon le samedi soir ?

Et si tu as des idées de balade pour le dimanche, je prends : la dernière fois on n'a jamais eu le temps de monter à Fourvière.

Bises,
Hélène`},
			{from: owner, after: dur(1, 0, 12), text: `Salut Hélène,

Avec plaisir ! Le 13 juin, c'est parfait. Je réserve au Bouchon des Filles pour 20h, leur cervelle de canut est excellente.

Pour dimanche : montée à Fourvière par les jardins du Rosaire, puis descente par le Vieux Lyon et brunch aux halles Paul Bocuse ? Il faudra juste prévoir de bonnes chaussures.

Bises à Julien,
Alex`},
			{from: helene, after: dur(0, 5, 30), text: `Parfait pour le bouchon et la balade !

Petite question : est-ce que tu peux nous conseiller un parking pas trop cher près de l'hôtel ? Sinon on viendra en train, l'aller-retour est à 58 € avec la carte Avantage.

À très vite,
Hélène`},
			{from: owner, after: dur(0, 2, 3), text: `Prends le train, honnêtement : les parkings de la Presqu'île sont à 25-30 € par jour, et la gare Part-Dieu est à un quart d'heure des Terreaux en métro.

À bientôt !
Alex`},
		},
	})

	// T9: flaky test with log attachment and inline patch (Projects).
	g.runThread(thread{
		subject: "imapsync: TestIdleReconnect flaky on CI (again)",
		folder:  fProjects, start: at(locParis, 2026, 8, 18, 9, 12),
		msgs: []tmsg{
			{from: jurgen, to: []*person{owner, noah}, text: `Hi both,

TestIdleReconnect failed 4 times in the last 50 pipeline runs, always on the arm64 runners. Excerpt:

    --- FAIL: TestIdleReconnect (30.02s)
        idle_test.go:187: timeout waiting for EXISTS after reconnect
        idle_test.go:188: server log: * OK [CLOSED] Previous mailbox is now closed

Full log attached. I cannot reproduce it locally, not even with -race -count=500.

My guess is that the test server sends the EXISTS update before the client has re-issued IDLE, and we drop it. But then it should fail on amd64 too.

Noah, did anything change on the arm64 runners recently?

Jürgen`, files: []att{{name: "ci-job-48213.log", ctype: "text/plain; charset=utf-8", data: []byte(ciLog(r))}}},
			{from: noah, all: true, after: dur(0, 1, 10), text: `Hi Jürgen,

Yes: on 12 August we moved the arm64 runners to new hosts. They are slower per core, and the runners now share the machines with the nightly fuzzing jobs, so timing is noisier.

That would explain why it only shows up there, but a 30 s timeout should still be plenty. Smells like a real race to me.

Noah`},
			{from: owner, all: true, after: dur(0, 3, 1), text: `I think Jürgen's guess is right. In reconnect() we set c.idling = true only after the IDLE continuation arrives, but the unilateral EXISTS can arrive between the end of SELECT and the continuation. handleUnilateral() then drops it because c.idling is still false.

Proposed fix (not tested on arm64 yet):

    --- a/imapsync/idle.go
    +++ b/imapsync/idle.go
    @@ -142,7 +142,9 @@ func (c *conn) reconnect(ctx context.Context) error {
         if _, err := c.client.Select(c.mailbox, nil).Wait(); err != nil {
             return err
         }
    -    return c.startIdle(ctx)
    +    // Updates received between SELECT and IDLE must not be lost.
    +    c.pending.Store(true)
    +    return c.startIdle(ctx)
     }

startIdle() then drains c.pending with a NOOP before it waits. I'll push a branch.

Alex`},
			{from: jurgen, all: true, after: dur(1, 0, 22), text: `Ran a stress job with your branch: 0 failures in 400 runs on arm64; main had 9 failures in 400.

One nit: pending should also be reset on a UIDVALIDITY change, otherwise we send a pointless NOOP. Otherwise LGTM.

Jürgen`},
			{from: noah, all: true, after: dur(0, 2, 5), text: `Nice. I've also moved the fuzzing jobs to their own runner pool, so the arm64 runners should be less noisy from tomorrow on.

Noah`},
			{from: owner, all: true, after: dur(0, 1, 2), text: `Merged, with Jürgen's nit addressed. Closing the flaky-test ticket; let's reopen it if it shows up again.

Alex`},
		},
	})

	// T10: mockups with inline cid: images (Projects).
	threadPNG := makeMockupPNG(r.fork("mock1"), 480, 300, color.RGBA{52, 120, 246, 255})
	treePNG := makeMockupPNG(r.fork("mock2"), 480, 300, color.RGBA{88, 86, 214, 255})
	mockText := `Hi all,

Here is v3 of the mockups, based on Friday's review:

• Thread view: messages collapse to one line each; the newest unread one is expanded. Quoted text is folded behind a "···" toggle.
• Folder tree: special folders (Inbox, Drafts, Sent, Junk, Trash) are pinned at the top; project folders are nested and remember whether they are expanded.
• Remote images: a single banner above the message, "Images from newsletter.example.com were blocked — Show / Always show from this sender".

The two screens are inline below; the full-resolution PNGs are attached as well.

Feedback welcome before Thursday!
Priya`
	mockHTML := strings.Replace(htmlFromText(priya.mua, mockText), "</body></html>",
		`<div><br></div><div><img src="cid:thread-view-v3@lumen.example" width="480" height="300" alt="Thread view v3"></div>`+
			`<div><br></div><div><img src="cid:folder-tree-v3@lumen.example" width="480" height="300" alt="Folder tree v3"></div>`+
			"\n</body></html>", 1)
	g.runThread(thread{
		subject: "Thread view & folder tree mockups (v3)",
		folder:  fProjects, start: at(locParis, 2026, 7, 7, 16, 40),
		msgs: []tmsg{
			{from: priya, to: []*person{owner, camille, jurgen}, text: mockText, html: mockHTML, files: []att{
				{name: "thread-view-v3.png", ctype: "image/png", data: threadPNG, cid: "thread-view-v3@lumen.example"},
				{name: "folder-tree-v3.png", ctype: "image/png", data: treePNG, cid: "folder-tree-v3@lumen.example"},
				{name: "thread-view-v3@2x.png", ctype: "image/png", data: makeMockupPNG(r.fork("mock3"), 640, 400, color.RGBA{52, 120, 246, 255})},
			}},
			{from: camille, all: true, after: dur(0, 2, 0), text: `Très beau travail, Priya !

Two questions:
- What happens in the thread view when a message in the middle of the conversation was moved to another folder? Do we show a placeholder?
- In the folder tree, can users still sort project folders manually?

Camille`},
			{from: owner, all: true, after: dur(0, 1, 20), text: `Looks great. On Camille's first point: the backend knows the folder of every message in the thread, so a small "in Archive/2025" label would be cheap.

One request: in the blocked-images banner, could "Always show from this sender" be keyed on the sender's domain rather than the full address? Newsletters rotate their From addresses a lot.

Alex`},
			{from: priya, all: true, after: dur(0, 18, 3), text: `Thanks both! v3.1 will show a small folder label for messages outside the current folder, and the banner will offer the domain. Manual sorting of folders stays (drag and drop).

Priya`},
		},
	})

	// T11: QA sign-off (Projects).
	matrix := "browser,server,scenario,result,notes\n" +
		"Firefox 131,Dovecot 2.3,login + folder list,pass,\n" +
		"Firefox 131,Dovecot 2.3,\"thread view, 50 msgs\",pass,\n" +
		"Chrome 130,Cyrus 3.8,attachment preview,pass,\n" +
		"Chrome 130,Exchange 2019,move to Archive,pass,slow (4 s)\n" +
		"Safari 17,Dovecot 2.3,attachment preview,FAIL,overlaps reply button below 420 px\n" +
		"Safari 17,Gmail,search \"Müller\",pass,\n" +
		"Firefox 131,Dovecot 2.3 (de),\"folder \"\"Entwürfe\"\"\",FAIL,shown twice\n" +
		"Edge 130,Stalwart 0.10,IDLE updates,pass,\n" +
		"Firefox ESR 128,Courier 5,no UIDPLUS warning,pass,\n"
	g.runThread(thread{
		subject: "QA sign-off for 0.9.0-rc2",
		folder:  fProjects, start: at(locParis, 2026, 9, 28, 11, 5),
		msgs: []tmsg{
			{from: tomas, to: []*person{camille, owner, jurgen}, cc: []*person{noah}, text: `Hola a todos,

The test run for 0.9.0-rc2 is done. Summary:

- 412 automated tests: 409 passed, 3 skipped (known Exchange issues, tickets #188, #190 and #191).
- Manual test matrix: 46/48 passed. Failures:
  1. Safari 17: the attachment preview overlaps the reply button on narrow screens.
  2. Dovecot 2.3 with a folder named "Entwürfe" (German Drafts): the UI shows it twice, once as Drafts and once as a normal folder.

Detailed matrix attached. From my side (2) is a blocker, (1) is not.

Saludos,
Tomás`, files: []att{{name: "test-matrix-0.9.0-rc2.csv", ctype: "text/csv", data: []byte(matrix)}}},
			{from: jurgen, all: true, after: dur(0, 2, 2), text: `(2) is mine. The server announces \Drafts via SPECIAL-USE on "Entwürfe", and we additionally match folder names against our list of localized names. The name match should only be a fallback when no folder has the attribute. The fix is small, I'll have it today.

Jürgen`},
			{from: tomas, all: true, after: dur(1, 1, 15), text: `Verified the fix for (2) on rc3 with Dovecot 2.3 and Cyrus 3.8. I also ran the full matrix again: 47/48, only the Safari layout issue remains.

I'm fine with releasing 0.9.0 with (1) as a known issue.

Tomás`},
			{from: camille, all: true, after: dur(0, 2, 0), text: `Merci Tomás ! Then we go: release 0.9.0 tomorrow morning. Alex, can you write the release notes?

Camille`},
			{from: owner, to: []*person{camille}, cc: []*person{tomas, jurgen, noah}, after: dur(0, 0, 31), text: `Sure, draft release notes will be in the wiki by 17:00.

Alex`},
		},
	})

	// T12: mailing-list discussion (Projects).
	g.runThread(thread{
		subject: "RFC: require UIDPLUS from upstream servers",
		folder:  fProjects, start: at(locParis, 2026, 3, 9, 10, 0), list: lumenDev,
		msgs: []tmsg{
			{from: noah, to: []*person{lumenDev.p}, text: `Hi all,

Proposal: starting with 0.8, mailaccess requires UIDPLUS (RFC 4315) on the upstream IMAP server.

Why: without UIDPLUS we cannot learn the UID of a message we just APPENDed (sent mail, drafts) or COPYed, so we do a SEARCH by Message-ID afterwards. That path is slow, racy, and responsible for most of the "draft saved twice" bug reports.

Data: in the opt-in telemetry, 98.7 % of the accounts are on servers that advertise UIDPLUS. The remaining 1.3 % are almost all at two hosting providers running very old Courier versions.

Objections? I'd like to decide by the end of next week.

Noah`},
			{from: rahel, after: dur(0, 3, 4), text: `Not an objection, but please keep a clear error message. "Your server does not support UIDPLUS (RFC 4315); mailaccess needs it to save drafts reliably" is something a user can forward to their provider. "Internal error" is not.

Rahel`},
			{from: kenji, re: 1, after: dur(0, 5, 30), text: `+1 from me. We dropped the non-UIDPLUS path in our fork last year and nobody complained.

One caveat: some servers advertise UIDPLUS but return no APPENDUID for mailboxes that are UIDNOTSTICKY. We still need a fallback for that case, or at least a test.

Kenji`},
			{from: owner, after: dur(0, 20, 2), text: `Kenji's caveat is real: I have a test account on a server that returns [UIDNOTSTICKY] on SELECT for shared folders. I suggest: require UIDPLUS, keep the SEARCH-by-Message-ID fallback only for UIDNOTSTICKY mailboxes, and log a warning when it is used.

Alex`},
			{from: ines, after: dur(0, 4, 12), text: `Sounds reasonable. Could we also document which hosting providers are affected? We run mailaccess for a small association and I'd like to warn our members before they upgrade.

Inês`},
			{from: jurgen, re: 4, after: dur(0, 20, 40), text: `Agreed with Alex's proposal. Noah, can you write it up as an ADR so that we have something to link from the release notes?

Jürgen`},
			{from: noah, after: dur(2, 1, 0), text: `ADR-0012 is merged: https://forge.example/lumen/mailaccess/src/branch/main/docs/adr/0012-require-uidplus.md

Thanks everyone for the input.

Noah`},
		},
	})

	// T15: accountant, ISO-8859-1 Outlook (INBOX).
	g.runThread(thread{
		subject: "TVA 3e trimestre - pièces manquantes",
		folder:  fInbox, start: at(locParis, 2026, 10, 12, 9, 30),
		msgs: []tmsg{
			{from: francois, to: []*person{owner}, text: `Bonjour Monsieur Morgan,

Pour préparer la déclaration de TVA du 3e trimestre de votre activité de conseil, il nous manque les justificatifs suivants :

- facture ACME Cloud de juillet (129,00 EUR) ;
- note de frais du déplacement à Hambourg du 22 au 24 septembre ;
- facture de l'écran acheté en août (fournisseur « Bureau Vallée » ?).

Pourriez-vous nous les transmettre avant le 20 octobre ? Un simple scan ou une photo lisible suffit.

Je vous remercie par avance.

Bien cordialement,`},
			{from: owner, after: dur(1, 2, 14), text: `Bonjour Monsieur Géraud,

Veuillez trouver ci-joint :
- la facture ACME Cloud de juillet ;
- le récapitulatif des frais du déplacement à Hambourg (tableau CSV ; les justificatifs originaux suivent par courrier).

Pour l'écran, je ne retrouve pas la facture ; je l'ai redemandée au magasin et vous la transmets dès réception.

Bien cordialement,
Alex Morgan`, files: []att{
				{name: "ACME-Cloud-facture-2026-07.pdf", ctype: "application/pdf", data: acmeInvoicePDF(at(locParis, 2026, 7, 1, 6, 0), "INV-2026-07-48213", 107.50)},
				{name: "frais-déplacement-Hambourg.csv", ctype: "text/csv", data: []byte("date;nature;montant TTC;TVA\n22/09/2026;Train Lyon - Hambourg;189,40;17,22\n22/09/2026;Hôtel (2 nuits);238,00;15,57\n23/09/2026;Repas client;64,50;5,86\n24/09/2026;Taxi;27,80;2,53\n24/09/2026;Train Hambourg - Lyon;176,10;16,01\n")},
			}},
			{from: francois, after: dur(0, 4, 2), text: `Bonjour Monsieur Morgan,

Bien reçu, merci. Nous attendons donc la facture de l'écran ; à défaut, nous ne pourrons pas récupérer la TVA sur cet achat (48,33 EUR).

Bien cordialement,`},
			{from: owner, after: dur(6, 1, 12), text: `Bonjour Monsieur Géraud,

Voici enfin la facture de l'écran, ci-jointe.

Bonne journée,
Alex Morgan`, files: []att{{name: "Facture écran 27 pouces – Bureau Vallée Lyon Part-Dieu.pdf", ctype: "application/pdf", data: pdf("Facture FA-2026-08-1184", at(locParis, 2026, 8, 12, 15, 0),
				"Bureau Vallee Lyon Part-Dieu", "Ecran 27 pouces QHD", "Montant HT: 241,63 EUR", "TVA 20%: 48,33 EUR", "Total TTC: 289,96 EUR")}}},
		},
	})

	// T16: Olga, UTF-8 base64 with a glossary (INBOX).
	glossary := "# mailaccess — глоссарий (ru)\n# термин | вариант 1 | вариант 2 | комментарий\nThread | цепочка писем | беседа | ?\nJunk | спам | нежелательная почта | одна папка?\nFlag | пометить | отметить флажком | ?\nArchive | архив | | \nDraft | черновик | | \nReply all | ответить всем | | \nForward | переслать | | \nRemote images | внешние изображения | удалённые картинки | \n"
	g.runThread(thread{
		subject: "Перевод интерфейса mailaccess: вопросы по терминологии",
		folder:  fInbox, start: at(locMoscow, 2026, 8, 3, 13, 20),
		msgs: []tmsg{
			{from: olga, to: []*person{owner}, cc: []*person{dmitri}, text: `Здравствуйте, Алекс!

Я перевожу раздел настроек и столкнулась с несколькими терминами, для которых хочу уточнить контекст:

1. «Thread» — переводим как «цепочка писем» или «беседа»? В Gmail используется «цепочка», в Outlook — «беседа».
2. «Junk» и «Spam» — в интерфейсе это одна и та же папка?
3. «Flag» — «пометить» или «отметить флажком»?

Во вложении глоссарий с текущими вариантами. Буду благодарна за комментарии.

С уважением,
Ольга Смирнова`, files: []att{{name: "глоссарий-ru.txt", ctype: "text/plain; charset=utf-8", data: []byte(glossary)}}},
			{from: owner, all: true, after: dur(0, 5, 3), text: `Hello Olga,

Thank you, these are good questions:

1. We mean a conversation: all replies grouped together. Please use whichever term Russian users know best; I'd follow Gmail ("цепочка"), since most of our users come from there.
2. Yes, Junk and Spam are the same folder. The UI always says "Junk"; "Spam" only appears on the "Report spam" button.
3. "Flag" marks a message as important, so "пометить" is fine.

Alex`},
			{from: olga, all: true, after: dur(1, 0, 40), text: `Алекс, спасибо! Всё понятно. Обновлённый файл перевода пришлю до конца недели.

Ольга`},
		},
	})

	// T17: Hanako, Shift_JIS base64 (INBOX).
	g.runThread(thread{
		subject: "お見積書送付のご案内（メールアーカイブ導入の件）",
		folder:  fInbox, start: at(locTokyo, 2026, 7, 22, 15, 10),
		msgs: []tmsg{
			{from: hanako, to: []*person{owner}, cc: []*person{yamada}, text: `Lumen Systems
Alex Morgan 様

いつもお世話になっております。
桜商事 営業部の佐藤でございます。

先日お打ち合わせいただきましたメールアーカイブ導入の件につきまして、
お見積書を添付にてお送りいたします。

ご不明な点がございましたら、お気軽にお問い合わせください。
ご検討のほど、よろしくお願い申し上げます。`, files: []att{{name: "御見積書_LS-2026-0722.pdf", ctype: "application/pdf", data: pdf("Quotation LS-2026-0722", at(locTokyo, 2026, 7, 22, 14, 0),
				"Sakura Shoji Co., Ltd. - Sales Department", "To: Lumen Systems SAS",
				"Mail archive integration, 420 mailboxes", "Annual fee (incl. 7-year retention storage): JPY 2,940,000",
				"Initial setup: JPY 480,000", "Valid until: 2026-09-30")}}},
			{from: owner, all: true, after: dur(0, 9, 0), text: `Dear Sato-san,

Thank you for sending the quotation. I have shared it with our management and will get back to you by the end of next week.

One question: does the annual fee include the storage for the 7-year retention, or is storage billed separately?

Best regards,
Alex Morgan`},
			{from: hanako, all: true, after: dur(0, 15, 20), text: `Alex Morgan 様

お世話になっております。佐藤です。

ご質問ありがとうございます。
年間費用には、7年間の保存に必要なストレージ費用も含まれております。

引き続きよろしくお願いいたします。`},
		},
	})

	// T18: office move (Archive/2025).
	g.runThread(thread{
		subject: "Office move – Friday 12 December",
		folder:  fArchive, start: at(locParis, 2025, 11, 17, 9, 2),
		msgs: []tmsg{
			{from: sophie, to: []*person{owner, camille, jurgen, priya, tomas, noah, lea, marco, yasmin, oskar, chloe, daniel}, text: `Hello everyone,

As announced, we are moving to the new office at 27 rue de la Villette on Friday 12 December.

What you need to do:
- Pack your desk by Thursday 11 December, 17:00. Boxes and labels are in the kitchen from Monday.
- Label every box with your name and your new desk number (see the attached floor plan).
- Laptops and chargers stay with you; monitors and docking stations will be moved by the IT team.

The old office will be closed on the 12th; please work from home that day. The new office opens on Monday 15 December at 8:00, with breakfast on us.

Thanks,
Sophie`, files: []att{{name: "floor-plan-villette.png", ctype: "image/png", data: makeMockupPNG(r.fork("floor"), 400, 260, color.RGBA{255, 149, 0, 255})}}},
			{from: noah, all: true, after: dur(0, 1, 3), text: `Hi Sophie,

For the server room: the two NAS units and the lab switches must be moved by us on Thursday evening, not by the movers. I'll coordinate with the building manager.

Noah`},
			{from: sophie, all: true, after: dur(0, 2, 0), text: `Thanks Noah, noted. I've told the movers to leave the server room alone.

Sophie`},
			{from: owner, to: []*person{sophie}, re: 1, after: dur(0, 0, 20), text: `Hi Sophie,

Quick question: can we keep the standing desks? Mine is the one by the window on the 2nd floor.

Thanks,
Alex`},
		},
	})

	// T19: talk proposal (Archive/2025).
	g.runThread(thread{
		subject: "Talk proposal: IMAP at scale – Athens Data Days 2026",
		folder:  fArchive, start: at(locAthens, 2025, 10, 6, 11, 0),
		msgs: []tmsg{
			{from: eleni, to: []*person{owner}, cc: []*person{giorgos}, text: `Dear Alex,

I'm on the programme committee of Athens Data Days (20–21 March 2026). Γιώργος mentioned your work on mailaccess and the talk you gave in Lyon about syncing millions of mailboxes.

Would you consider submitting a 30-minute talk? Topics around large-scale synchronisation, caching and protocol quirks would fit our "Systems" track very well. The CFP closes on 31 October; travel and two nights' accommodation are covered for speakers.

Best wishes,
Ελένη`},
			{from: owner, all: true, after: dur(2, 0, 0), text: `Dear Eleni,

Thank you for the invitation, I'd be happy to submit. Here is a draft abstract:

  IMAP at scale: what 2 million mailboxes taught us about caching
  IMAP looks simple until you have to keep a faithful local copy of millions of mailboxes. This talk covers UID validity, CONDSTORE/QRESYNC in practice, servers that lie about their capabilities, and how we test against all of them.

If that fits the Systems track, I'll submit it through the CFP form this week.

Best regards,
Alex`},
			{from: eleni, all: true, after: dur(21, 2, 0), flag: true, text: `Dear Alex,

Great news: the committee accepted your talk! You are scheduled on Friday 20 March at 14:30 in Hall B. We'll send the speaker information pack in January.

Looking forward to seeing you in Athens,
Ελένη`},
		},
	})

	// T20: offsite with many recipients (INBOX).
	everyone := []*person{owner, camille, jurgen, priya, tomas, noah, lea, marco, yasmin, oskar, chloe, daniel}
	g.runThread(thread{
		subject: "Team offsite in Sevilla 🎉 – 15 to 17 April",
		folder:  fInbox, start: at(locParis, 2026, 2, 23, 10, 15),
		msgs: []tmsg{
			{from: sophie, to: everyone, text: `Hello everyone,

It's official: this year's team offsite will take place in Sevilla from Wednesday 15 to Friday 17 April!

Programme (draft):
- Wednesday: arrival, check-in at the Hotel Patio de la Alameda, welcome dinner in Triana.
- Thursday: strategy day with Camille and the leads (morning), workshops (afternoon).
- Friday: free morning or guided tour of the Real Alcázar at 10:00, flights back in the afternoon.

Please book your flights via the travel portal before 6 March. Budget: 350 € per person for the flight; the hotel is booked centrally.

Any dietary requirements? Reply to me directly, not to all :)

Sophie`},
			{from: tomas, all: true, after: dur(0, 0, 25), text: `¡Qué bien! As the resident Spaniard, three tips:

- Bring sunglasses, it will already be 25 °C.
- Dinner before 21:30 counts as a snack.
- If you only try one thing: espinacas con garbanzos at any bar around the Alameda.

Tomás`},
			{from: noah, all: true, re: 1, after: dur(0, 1, 2), text: `Vegan for me please, thanks!`},
			{from: noah, all: true, re: 1, after: dur(0, 0, 2), text: `...and sorry for the reply-all 🙈`},
			{from: camille, all: true, re: 1, after: dur(0, 3, 0), text: `Merci Sophie ! For Thursday morning, leads please bring your team's three biggest wins and three biggest pains of Q1. Slides optional, honesty mandatory.

Camille`},
			{from: sophie, all: true, re: 1, after: dur(2, 0, 10), flag: true, text: `Hello all,

Attached are the final programme and the hotel details. Flights: please forward your booking confirmation to travel@lumen.example so that we can track everyone's arrival.

Sophie`, files: []att{{name: "Sevilla-offsite-programme.pdf", ctype: "application/pdf", data: pdf("Lumen offsite Sevilla, 15-17 April 2026", at(locParis, 2026, 2, 25, 10, 0),
				"Hotel Patio de la Alameda, Alameda de Hercules 56, Sevilla",
				"Wed 15: arrivals, 20:30 welcome dinner, Casa Cuesta (Triana)",
				"Thu 16: 09:00-13:00 strategy (leads), 14:30-18:00 workshops",
				"Fri 17: 10:00 Real Alcazar guided tour / free morning",
				"Emergency contact: Sophie Martin +33 6 55 01 22 84")}}},
			{from: jurgen, all: true, after: dur(0, 3, 3), text: `Will there be a bike tour option on Friday instead of the Alcázar? Asking for a friend (me).

Jürgen`},
			{from: owner, all: true, after: dur(0, 1, 0), text: `+1 for bikes, if we are at least five. Sevilla is completely flat, it's the perfect city for it.

Alex`},
		},
	})

	g.forgeIssueThread()
	g.travelForwardThread()
}

func acmeInvoicePDF(d time.Time, number string, net float64) []byte {
	vat := net * 0.2
	return makePDF("ACME Cloud - Invoice "+number, d, []string{
		"ACME Cloud Europe B.V., Keizersgracht 1, Amsterdam (NL)",
		"Bill to: Alex Morgan, Lyon (FR)",
		"Invoice date: " + d.Format("2006-01-02"),
		"Period: " + d.AddDate(0, -1, 0).Format("January 2006"),
		"",
		fmt.Sprintf("Compute (2 x small-2vcpu)        %8.2f EUR", net*0.62),
		fmt.Sprintf("Block storage (200 GB)           %8.2f EUR", net*0.23),
		fmt.Sprintf("Object storage and egress        %8.2f EUR", net*0.15),
		fmt.Sprintf("Subtotal                         %8.2f EUR", net),
		fmt.Sprintf("VAT 20%%                          %8.2f EUR", vat),
		fmt.Sprintf("Total                            %8.2f EUR", net+vat),
		"", "Paid by card ending in 4417. Thank you for your business.",
	})
}
