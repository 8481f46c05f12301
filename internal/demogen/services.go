package main

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// bulk returns the client profile of a mass-mailing system.
func bulk(charset, cte string, names nameEnc) *mua {
	return &mua{
		charset: charset, asciiAs: charset, cte: cte, names: names,
		reply: "Re: ", fwd: "Fwd: ", quote: "top", idStyle: "default",
		fnStyle: fnRFC2231, zeroDay: true,
	}
}

var (
	inboxTimes = &person{name: "The Inbox Times", addr: "news@newsletter.example.com", tz: locNY,
		mua: bulk("utf-8", "quoted-printable", nameEnc{"utf-8", true})}
	librairie = &person{name: "Librairie du Parc", addr: "lettre@librairie-du-parc.example.fr", tz: locParis, lang: "fr",
		mua: bulk("iso-8859-15", "quoted-printable", nameEnc{"iso-8859-15", true})}
	acme = &person{name: "ACME Cloud Billing", addr: "billing@acmecloud.example", tz: locUTC,
		mua: bulk("UTF-8", "quoted-printable", nameEnc{"UTF-8", true})}
	acmeSec = &person{name: "ACME Cloud", addr: "security@acmecloud.example", tz: locUTC,
		mua: bulk("UTF-8", "quoted-printable", nameEnc{"UTF-8", true})}
	bank = &person{name: "Banque du Rhône", addr: "ne-pas-repondre@banque-rhone.example.fr", tz: locParis, lang: "fr",
		mua: bulk("utf-8", "base64", nameEnc{"utf-8", false})}
	tsundoku = &person{name: "Tsundoku Books", addr: "orders@tsundoku-books.example", tz: locLondon,
		mua: bulk("UTF-8", "quoted-printable", nameEnc{"UTF-8", true})}
	papeterie = &person{name: "L'Atelier Papeterie", addr: "commandes@atelier-papeterie.example.fr", tz: locParis, lang: "fr",
		mua: bulk("windows-1252", "quoted-printable", nameEnc{"windows-1252", true})}
	eurorail = &person{name: "EuroRail Tickets", addr: "tickets@eurorail.example", tz: locParis,
		mua: bulk("UTF-8", "quoted-printable", nameEnc{"UTF-8", false})}
	helios = &person{name: "Helios Air", addr: "no-reply@heliosair.example", tz: locAthens,
		mua: bulk("UTF-8", "base64", nameEnc{"UTF-8", false})}
	staywell = &person{name: "StayWell", addr: "reservations@staywell.example", tz: locUTC,
		mua: bulk("UTF-8", "quoted-printable", nameEnc{"UTF-8", true})}
	meetup = &person{name: "Lyon Gophers", addr: "info@meetup.example", tz: locParis,
		mua: bulk("UTF-8", "quoted-printable", nameEnc{"UTF-8", true})}
	forgeSec = &person{name: "Forge", addr: "noreply@forge.example", tz: locUTC,
		mua: bulk("us-ascii", "7bit", nameEnc{"utf-8", true})}
	lumenIT = &person{name: "Lumen IT", addr: "it-noreply@lumen.example", tz: locParis,
		mua: bulk("us-ascii", "7bit", nameEnc{"utf-8", true})}
	lumenCal = &person{name: "Lumen Calendar", addr: "calendar-notification@lumen.example", tz: locParis,
		mua: bulk("UTF-8", "quoted-printable", nameEnc{"UTF-8", false})}
)

// deMonth returns "de mars" / "d'avril" with French elision.
func deMonth(mo string) string {
	if strings.ContainsRune("aeiouéèêh", []rune(mo)[0]) {
		return "d'" + mo
	}
	return "de " + mo
}

func (g *gen) delivery(r *rng) time.Duration { return r.duration(3*time.Second, 4*time.Minute) }

// ---------------------------------------------------------------------------
// The Inbox Times: weekly HTML newsletter with remote images and a pixel.

var inboxTimesArticles = [][2]string{
	{"Why your inbox still speaks 1982", "A gentle history of RFC 822 and the header fields that refuse to die, from Received: to X-Mailer:."},
	{"JMAP adoption, two years on", "Which servers and clients ship it, what broke on the way, and why IMAP is not going anywhere soon."},
	{"The hidden cost of tracking pixels", "One 1×1 GIF tells the sender when, where and on which device you opened a message. We measured 40 newsletters."},
	{"BIMI explained in five minutes", "Logos next to the sender name sound simple. The certificate chain behind them is not."},
	{"How one team cut IMAP sync time by 70 %", "CONDSTORE, QRESYNC and a surprising amount of caching: a case study."},
	{"Dark mode e-mail: a survival guide", "Transparent PNGs, inverted colours and the one CSS rule Outlook still ignores."},
	{"Quoted-printable: the encoding nobody asked for", "Why =3D shows up in your forwarded mail, and how to avoid it."},
	{"Phishing trends this quarter", "Fake invoices are back, QR codes are everywhere, and attackers discovered calendar invites."},
	{"Whatever happened to S/MIME?", "Certificates are free now. So why does nobody sign their mail?"},
	{"Inside a spam filter", "Scores, rules, Bayes and the reputation systems behind the Junk folder."},
	{"The case for plain-text e-mail", "Accessibility, privacy and size: arguments for the humble text/plain part."},
	{"Unicode e-mail addresses: are we there yet?", "SMTPUTF8 and EAI support in 2026, tested against twelve providers."},
	{"Threading heuristics compared", "How Gmail, Apple Mail and Thunderbird group conversations, and where they disagree."},
	{"Large attachments: links versus MIME", "Nobody likes a 25 MB limit. Nobody likes expiring download links either."},
	{"A field guide to List-Unsubscribe-Post", "One-click unsubscribe became mandatory for bulk senders. Here is what it looks like on the wire."},
	{"DMARC reports you should actually read", "Aggregate reports are XML soup, but three fields tell you almost everything."},
}

func (g *gen) inboxTimesIssue(r *rng, folder string, n int, d time.Time) *mail {
	token := r.alnum(24)
	var arts [][2]string
	for k := 0; k < 3; k++ {
		arts = append(arts, inboxTimesArticles[(n*3+k)%len(inboxTimesArticles)])
	}
	subject := fmt.Sprintf("Issue #%d: %s", n, arts[0][0])
	var txt strings.Builder
	fmt.Fprintf(&txt, "THE INBOX TIMES — Issue #%d — %s\n\n", n, d.Format("2 January 2006"))
	for k, a := range arts {
		fmt.Fprintf(&txt, "%d. %s\n%s\nRead more: https://newsletter.example.com/r/%s?l=%d\n\n", k+1, a[0], a[1], token, k+1)
	}
	txt.WriteString("SPONSOR: Postbox Pro, the shared inbox for small teams. Try it free for 30 days: https://newsletter.example.com/r/" + token + "?l=sponsor\n\n")
	txt.WriteString("You are receiving this because you subscribed at newsletter.example.com.\nUnsubscribe: https://newsletter.example.com/unsubscribe?u=" + token + "\n")

	var h strings.Builder
	h.WriteString(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>The Inbox Times #` + fmt.Sprint(n) + `</title>
<style type="text/css">
body{margin:0;padding:0;background:#f2f4f7;font-family:Georgia,'Times New Roman',serif;color:#1f2933}
table{border-collapse:collapse}
.main{max-width:600px;margin:0 auto;background:#ffffff}
h1{font-size:26px;line-height:32px;margin:0;color:#14213d}
h2{font-size:20px;line-height:26px;margin:12px 0 6px}
h2 a{color:#14213d;text-decoration:none}
.btn{display:inline-block;padding:10px 18px;background:#d1495b;color:#ffffff!important;border-radius:4px;text-decoration:none;font-family:Arial,sans-serif}
.foot{font-size:12px;color:#6b7280;font-family:Arial,sans-serif}
@media only screen and (max-width:620px){.main{width:100%!important}.hero{height:auto!important}}
</style></head>
<body>
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">` + html.EscapeString(arts[0][1]) + `</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" bgcolor="#f2f4f7"><tr><td align="center" style="padding:24px 8px">
<table role="presentation" class="main" width="600" cellpadding="0" cellspacing="0">
<tr><td style="padding:24px 24px 8px"><a href="https://newsletter.example.com/r/` + token + `?l=logo"><img src="https://newsletter.example.com/img/masthead.png" width="552" height="80" alt="The Inbox Times" style="display:block;border:0"></a></td></tr>
<tr><td style="padding:8px 24px 16px"><h1>Issue #` + fmt.Sprint(n) + ` &middot; ` + d.Format("2 January 2006") + `</h1></td></tr>
`)
	for k, a := range arts {
		fmt.Fprintf(&h, `<tr><td style="padding:16px 24px;border-top:1px solid #e5e7eb">
<img class="hero" src="https://newsletter.example.com/img/issue-%d-%d.jpg" width="552" height="200" alt="" style="display:block;width:100%%;max-width:552px">
<h2><a href="https://newsletter.example.com/r/%s?l=%d">%s</a></h2>
<p style="margin:0 0 12px;font-size:16px;line-height:24px">%s</p>
<a class="btn" href="https://newsletter.example.com/r/%s?l=%d">Read more &rarr;</a>
</td></tr>
`, n, k+1, token, k+1, html.EscapeString(a[0]), html.EscapeString(a[1]), token, k+1)
	}
	h.WriteString(`<tr><td style="padding:20px 24px;background-color:#fff7e6;background-image:url('https://newsletter.example.com/img/sponsor-bg.png');background-repeat:no-repeat">
<table role="presentation" width="100%"><tr><td width="64" valign="top"><img src="https://ads.newsletter.example.com/creative/postbox-64.png" width="64" height="64" alt="Postbox Pro"></td>
<td style="padding-left:12px;font-family:Arial,sans-serif;font-size:14px;line-height:20px"><strong>SPONSOR &middot; Postbox Pro</strong><br>The shared inbox for small teams. <a href="https://newsletter.example.com/r/` + token + `?l=sponsor">Try it free for 30 days</a>.</td></tr></table>
</td></tr>
<tr><td class="foot" style="padding:24px">You are receiving this because you subscribed at newsletter.example.com.<br>
<a href="https://newsletter.example.com/unsubscribe?u=` + token + `">Unsubscribe</a> &middot; <a href="https://newsletter.example.com/preferences?u=` + token + `">Preferences</a> &middot; <a href="https://newsletter.example.com/archive/` + fmt.Sprint(n) + `">View in browser</a><br>
The Inbox Times, 100 Example Street, New York, NY 10001</td></tr>
</table></td></tr></table>
<img src="https://newsletter.example.com/pixel.gif?u=` + token + `&amp;i=` + fmt.Sprint(n) + `" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">
</body></html>
`)
	e := &email{
		from: inboxTimes, to: []*person{owner}, subject: subject, date: d.In(locNY),
		replyTo: "The Inbox Times <editors@newsletter.example.com>",
		text:    txt.String(), html: h.String(), incoming: true, delivery: g.delivery(r),
		bulkHost: "mta-" + fmt.Sprint(r.between(1, 9)) + ".newsletter.example.com",
		retPath:  "bounce-" + token + "@newsletter.example.com",
		id:       g.uniqueIDf("<%s.%d@newsletter.example.com>", token, n),
	}
	e.extra.add("List-Id", "The Inbox Times <weekly.newsletter.example.com>")
	e.extra.add("List-Unsubscribe", "<https://newsletter.example.com/unsubscribe/one-click/"+token+">, <mailto:unsubscribe+"+token+"@newsletter.example.com>")
	e.extra.add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	e.extra.add("Precedence", "bulk")
	e.extra.add("Feedback-ID", fmt.Sprintf("issue%d:weekly:inboxtimes", n))
	e.extra.add("X-Campaign-ID", fmt.Sprintf("it-%04d", n))
	return g.add(folder, e)
}

// uniqueIDf formats and registers a fixed-shape Message-ID; callers that set
// email.id must not register it twice, so this only checks.
func (g *gen) uniqueIDf(f string, a ...any) string {
	id := fmt.Sprintf(f, a...)
	if g.ids[id] {
		panic("duplicate Message-ID " + id)
	}
	return id
}

func (g *gen) newsletters() {
	r := g.r.fork("inboxtimes")
	// Every other Tuesday, 07:00 New York time, from October 2025.
	d := at(locNY, 2025, 9, 30, 7, 0)
	n := 212
	var all []time.Time
	for ; d.Before(refDate); d = d.AddDate(0, 0, 14) {
		all = append(all, d)
	}
	for i, d := range all {
		folder := fInbox
		switch {
		case d.Before(at(locParis, 2026, 1, 1, 0, 0)):
			folder = fArchive
			if i%3 == 2 {
				folder = fTrash
			}
		case i%6 == 4:
			folder = fTrash
		}
		g.inboxTimesIssue(r, folder, n+i, d.Add(time.Duration(r.intn(300))*time.Second))
	}

	// Librairie du Parc: monthly, ISO-8859-15, French.
	r = g.r.fork("librairie")
	books := [][3]string{
		{"L'Œuvre au noir", "Marguerite Yourcenar", "Un classique que l'on relit à chaque saison."},
		{"Le Mage du Kremlin", "Giuliano da Empoli", "Fascinant et glaçant, notre coup de cœur du mois."},
		{"La Vie devant soi", "Romain Gary", "Réédition en poche, à (re)découvrir."},
		{"Les Années", "Annie Ernaux", "Soixante ans d'histoire intime et collective."},
		{"Veiller sur elle", "Jean-Baptiste Andrea", "Prix Goncourt, toujours aussi demandé."},
		{"Le Petit Prince", "Antoine de Saint-Exupéry", "Nouvelle édition illustrée pour les fêtes."},
		{"L'Anomalie", "Hervé Le Tellier", "Pour les amateurs de vertige littéraire."},
		{"Chanson douce", "Leïla Slimani", "Un roman qu'on ne lâche pas."},
	}
	months := []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	for i, m := 0, at(locParis, 2025, 10, 3, 8, 30); m.Before(refDate); i, m = i+1, m.AddDate(0, 1, 0) {
		folder := fInbox
		if m.Before(at(locParis, 2026, 1, 1, 0, 0)) {
			folder = fArchive
		}
		if i == 5 {
			folder = fTrash
		}
		mo := months[m.Month()-1]
		b1, b2 := books[i%len(books)], books[(i+3)%len(books)]
		price := 7.5 + float64(r.intn(16))
		meetDay := 10 + r.intn(15)
		text := fmt.Sprintf(`LA LETTRE DE LA LIBRAIRIE DU PARC - %s %d

Chères lectrices, chers lecteurs,

Voici nos coups de cœur du mois :

* %s, de %s - %s
* %s, de %s - %s (%.2f €)

Rencontre : samedi %d %s à 17 h, séance de dédicaces avec une autrice lyonnaise. Entrée libre, réservation conseillée.

Toute l'équipe vous souhaite de belles lectures !

Librairie du Parc - 12, place du Parc - 69006 Lyon
Se désinscrire : https://librairie-du-parc.example.fr/lettre/desinscription?e=%s
`, strings.ToUpper(mo[:1])+mo[1:], m.Year(), b1[0], b1[1], b1[2], b2[0], b2[1], b2[2], price, meetDay, mo, r.alnum(12))
		htmlDoc := fmt.Sprintf(`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">
<title>La lettre de la Librairie du Parc</title>
<style>
 body { font-family: Palatino, "Book Antiqua", serif; background: #faf6ef; }
 .livre td { padding: 8px; vertical-align: top; }
 .titre { font-size: 18px; color: #7a1f1f; font-weight: bold; }
</style></head>
<body bgcolor="#faf6ef">
<center>
<table width="580" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff">
<tr><td><img src="https://librairie-du-parc.example.fr/img/bandeau-%d-%02d.jpg" width="580" height="140" alt="Librairie du Parc"></td></tr>
<tr><td style="padding:16px"><h1 style="font-size:22px">Nos coups de cœur %s</h1>
<table class="livre" width="100%%">
<tr><td width="90"><img src="https://librairie-du-parc.example.fr/couvertures/%d.jpg" width="80" height="120" alt=""></td>
<td><span class="titre">%s</span><br><i>%s</i><br>%s</td></tr>
<tr><td width="90"><img src="https://librairie-du-parc.example.fr/couvertures/%d.jpg" width="80" height="120" alt=""></td>
<td><span class="titre">%s</span><br><i>%s</i><br>%s<br><b>%.2f €</b></td></tr>
</table>
<p>Rencontre et dédicaces le samedi à 17 h. <a href="https://librairie-du-parc.example.fr/agenda">Voir l'agenda</a></p>
</td></tr>
<tr><td style="font-size:11px;color:#888;padding:16px">Librairie du Parc &middot; 12, place du Parc &middot; 69006 Lyon<br>
<a href="https://librairie-du-parc.example.fr/lettre/desinscription">Se désinscrire</a></td></tr>
</table>
</center>
<img src="https://t.mailer-fr.example/o/%s.gif" width="1" height="1" border="0" alt="">
</body></html>
`, m.Year(), int(m.Month()), deMonth(mo), 1000+i, html.EscapeString(b1[0]), html.EscapeString(b1[1]), html.EscapeString(b1[2]),
			2000+i, html.EscapeString(b2[0]), html.EscapeString(b2[1]), html.EscapeString(b2[2]), price, r.alnum(20))
		e := &email{
			from: librairie, to: []*person{owner}, subject: fmt.Sprintf("Nos coups de cœur %s ✦ rencontre le samedi %d", deMonth(mo), meetDay),
			date: m.Add(time.Duration(r.intn(3600)) * time.Second), text: text, html: htmlDoc,
			incoming: true, delivery: g.delivery(r), bulkHost: "smtp.mailer-fr.example",
		}
		// The ✦ does not exist in ISO-8859-15: such subjects are sent in UTF-8.
		e.extra.add("List-Id", "<lettre.librairie-du-parc.example.fr>")
		e.extra.add("List-Unsubscribe", "<https://librairie-du-parc.example.fr/lettre/desinscription>")
		e.extra.add("Precedence", "bulk")
		g.add(folder, e)
	}
}

// ---------------------------------------------------------------------------
// Invoices, bank statements, shops, security notices.

func (g *gen) invoices() {
	r := g.r.fork("acme")
	for m := at(locUTC, 2025, 10, 1, 6, 12); m.Before(refDate); m = m.AddDate(0, 1, 0) {
		folder := fInbox
		if m.Before(at(locUTC, 2026, 1, 1, 0, 0)) {
			folder = fArchive
		}
		num := fmt.Sprintf("INV-%s-%05d", m.Format("2006-01"), r.between(10000, 99999))
		net := 95 + float64(r.intn(4000))/100
		if m.Month() == 7 {
			net = 107.50
		}
		total := net * 1.2
		period := m.AddDate(0, -1, 0).Format("January 2006")
		text := fmt.Sprintf(`Hello Alex,

Your invoice %s for %s is now available.

  Amount due:   %.2f EUR (incl. VAT)
  Payment:      charged to your card ending in 4417 on %s
  Account:      lumen-alex (ID 7734-2210)

The PDF invoice is attached to this email. You can also download it from the billing dashboard:
https://console.acmecloud.example/billing/invoices/%s

Questions? Reply to this email or visit https://acmecloud.example/support.

The ACME Cloud team
`, num, period, total, m.Format("2 January 2006"), num)
		htmlDoc := fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="UTF-8"><style>
body{font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#111827;background:#f9fafb}
.card{max-width:560px;margin:24px auto;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:32px}
.amount{font-size:32px;font-weight:700}
table.summary td{padding:4px 12px 4px 0}
</style></head><body>
<div class="card">
<img src="https://static.acmecloud.example/email/logo.png" width="120" height="32" alt="ACME Cloud">
<p>Hello Alex,</p>
<p>Your invoice <strong>%s</strong> for %s is now available.</p>
<p class="amount">%.2f&nbsp;EUR</p>
<table class="summary"><tr><td>Payment</td><td>card ending in 4417, %s</td></tr>
<tr><td>Account</td><td>lumen-alex (ID 7734-2210)</td></tr></table>
<p><a href="https://console.acmecloud.example/billing/invoices/%s" style="background:#2563eb;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">View invoice</a></p>
<p style="color:#6b7280;font-size:12px">ACME Cloud Europe B.V. &middot; Keizersgracht 1 &middot; Amsterdam</p>
</div></body></html>
`, num, period, total, m.Format("2 January 2006"), num)
		d := m.Add(time.Duration(r.intn(1800)) * time.Second)
		e := &email{from: acme, to: []*person{owner}, subject: "Your ACME Cloud invoice " + num + " is available",
			date: d, text: text, html: htmlDoc, incoming: true, delivery: g.delivery(r), bulkHost: "mail-out.acmecloud.example",
			files: []att{{name: num + ".pdf", ctype: "application/pdf", data: acmeInvoicePDF(d, num, net)}}}
		g.add(folder, e)
	}

	// Bank statements: HTML only, base64.
	r = g.r.fork("bank")
	months := []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	for m := at(locParis, 2025, 10, 4, 5, 40); m.Before(refDate); m = m.AddDate(0, 1, 0) {
		folder := fInbox
		if m.Before(at(locParis, 2026, 1, 1, 0, 0)) {
			folder = fArchive
		}
		prev := m.AddDate(0, -1, 0)
		mo := months[prev.Month()-1]
		htmlDoc := fmt.Sprintf(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>
<body style="margin:0;background:#eef2f5">
<table width="100%%" cellpadding="0" cellspacing="0" bgcolor="#eef2f5"><tr><td align="center">
<table width="600" cellpadding="0" cellspacing="0" bgcolor="#ffffff" style="font-family:Verdana,Arial,sans-serif;font-size:13px;color:#263238">
<tr><td bgcolor="#0b3d91" style="padding:18px"><img src="https://www.banque-rhone.example.fr/mail/logo-blanc.png" width="160" height="40" alt="Banque du Rhône"></td></tr>
<tr><td style="padding:24px">
<p>Bonjour Monsieur MORGAN,</p>
<p>Votre relevé de compte <b>%s %d</b> est disponible dans votre espace client.</p>
<p>Compte courant n° **** **** 4417<br>Solde au %s : <b>%d,%02d €</b></p>
<p style="text-align:center"><a href="https://www.banque-rhone.example.fr/espace-client/releves" style="background:#e53935;color:#ffffff;padding:12px 24px;text-decoration:none;border-radius:3px">Consulter mon relevé</a></p>
<p style="font-size:11px;color:#607d8b">Pour votre sécurité, la Banque du Rhône ne vous demandera jamais vos codes par e-mail. Ce message est envoyé automatiquement, merci de ne pas y répondre.</p>
</td></tr></table></td></tr></table>
<img src="https://stats.banque-rhone.example.fr/open/%s.gif" width="1" height="1" alt="">
</body></html>
`, deMonth(mo), prev.Year(), m.AddDate(0, 0, -4).Format("02/01/2006"), r.between(1200, 9800), r.intn(100), r.alnum(16))
		e := &email{from: bank, to: []*person{owner}, subject: fmt.Sprintf("Votre relevé de compte %s %d est disponible", deMonth(mo), prev.Year()),
			date: m.Add(time.Duration(r.intn(2400)) * time.Second), html: htmlDoc, noText: true,
			incoming: true, delivery: g.delivery(r), bulkHost: "mailing.banque-rhone.example.fr"}
		g.add(folder, e)
	}
}

func (g *gen) shops() {
	r := g.r.fork("shops")
	type order struct {
		folder string
		d      time.Time
		items  [][2]string
	}
	orders := []order{
		{fInbox, at(locLondon, 2026, 2, 8, 20, 14), [][2]string{{"Designing Data-Intensive Applications (2nd ed.)", "38.99"}, {"The Pragmatic Programmer", "34.50"}}},
		{fInbox, at(locLondon, 2026, 6, 1, 22, 3), [][2]string{{"Sapiens: A Brief History of Humankind", "12.99"}}},
		{fArchive, at(locLondon, 2025, 11, 28, 9, 41), [][2]string{{"Kitchen Confidential", "10.99"}, {"Salt, Fat, Acid, Heat", "27.00"}}},
		{fTrash, at(locLondon, 2026, 9, 14, 18, 25), [][2]string{{"Gift card", "25.00"}}},
	}
	for i, o := range orders {
		num := fmt.Sprintf("TB-%d-%06d", o.d.Year(), r.between(100000, 999999))
		var lines, rows []string
		total := 0.0
		for _, it := range o.items {
			var p float64
			fmt.Sscanf(it[1], "%f", &p)
			total += p
			lines = append(lines, fmt.Sprintf("  1 × %s  £%s", it[0], it[1]))
			rows = append(rows, fmt.Sprintf(`<tr><td style="padding:6px 0">%s</td><td align="right">£%s</td></tr>`, html.EscapeString(it[0]), it[1]))
		}
		text := fmt.Sprintf("Hi Alex,\n\nThanks for your order %s! We'll let you know when it ships.\n\n%s\n\n  Total: £%.2f\n\nDelivery to: Alex Morgan, Lyon, France\nTrack your order: https://tsundoku-books.example/orders/%s\n\nHappy reading,\nTsundoku Books\n", num, strings.Join(lines, "\n"), total, num)
		htmlDoc := fmt.Sprintf(`<html><body style="font-family:Helvetica,Arial,sans-serif;background:#fffdf8">
<div style="max-width:560px;margin:auto;padding:24px;background:#ffffff">
<img src="https://cdn.tsundoku-books.example/email/header.png" width="560" height="90" alt="Tsundoku Books">
<h2>Thanks for your order, Alex!</h2>
<p>Order <b>%s</b></p>
<table width="100%%">%s<tr><td style="border-top:1px solid #ddd;padding-top:6px"><b>Total</b></td><td align="right" style="border-top:1px solid #ddd"><b>£%.2f</b></td></tr></table>
<p><a href="https://tsundoku-books.example/orders/%s">Track your order</a></p>
</div><img src="https://cdn.tsundoku-books.example/t/%s.png" width="1" height="1"></body></html>
`, num, strings.Join(rows, ""), total, num, r.alnum(18))
		g.add(o.folder, &email{from: tsundoku, to: []*person{owner}, subject: "Your Tsundoku Books order " + num,
			date: o.d, text: text, html: htmlDoc, incoming: true, delivery: g.delivery(r), bulkHost: "mx-out.tsundoku-books.example"})
		if i < 2 {
			ship := o.d.AddDate(0, 0, 2).Add(time.Duration(r.intn(20000)) * time.Second)
			g.add(o.folder, &email{from: tsundoku, to: []*person{owner}, subject: "Your order " + num + " is on its way 📦",
				date: ship, text: fmt.Sprintf("Good news, Alex: your order %s has shipped.\n\nCarrier: Colissimo International\nTracking number: 6A%d\nEstimated delivery: %s\n\nTsundoku Books\n", num, r.between(10000000, 99999999), ship.AddDate(0, 0, 4).Format("Monday 2 January")),
				incoming: true, delivery: g.delivery(r), bulkHost: "mx-out.tsundoku-books.example"})
		}
	}
	// A French stationery shop in windows-1252 with a promo.
	for i, d := range []time.Time{at(locParis, 2026, 3, 12, 10, 0), at(locParis, 2026, 11, 17, 10, 0), at(locParis, 2025, 12, 1, 10, 0)} {
		folder := []string{fInbox, fInbox, fTrash}[i]
		subj := []string{"Nouveautés de printemps : carnets, encres et papiers japonais", "Black Friday – 20 % sur tout le site jusqu’à lundi", "Calendriers 2026 : les derniers exemplaires"}[i]
		text := fmt.Sprintf("Bonjour Alex,\n\n%s.\n\nDécouvrez la sélection sur https://atelier-papeterie.example.fr/selection/%d\n\nCode avantage : PAPIER%d (valable une semaine).\n\nÀ bientôt à l’atelier,\nL’équipe de L’Atelier Papeterie\n\nSe désabonner : https://atelier-papeterie.example.fr/desabonnement\n", subj, i+1, 10+i*5)
		g.add(folder, &email{from: papeterie, to: []*person{owner}, subject: subj, date: d.Add(time.Duration(r.intn(3000)) * time.Second),
			text: text, incoming: true, delivery: g.delivery(r), bulkHost: "smtp.atelier-papeterie.example.fr",
			extra: header{{"List-Unsubscribe", "<https://atelier-papeterie.example.fr/desabonnement>"}, {"Precedence", "bulk"}}})
	}
}

func (g *gen) security() {
	r := g.r.fork("security")
	type notice struct {
		from   *person
		folder string
		d      time.Time
		subj   string
		text   string
	}
	ns := []notice{
		{acmeSec, fInbox, at(locUTC, 2026, 3, 2, 7, 12), "New sign-in to your ACME Cloud account", "Hi Alex,\n\nWe noticed a new sign-in to your ACME Cloud account.\n\n  When:     2 March 2026, 07:11 UTC\n  Device:   Firefox 135 on Linux\n  Location: Lyon, France (approximate)\n  IP:       203.0.113.54\n\nIf this was you, you can ignore this message. If not, reset your password now:\nhttps://console.acmecloud.example/security\n\nACME Cloud Security\n"},
		{forgeSec, fInbox, at(locUTC, 2026, 4, 14, 15, 40), "[Forge] A new SSH key was added to your account", "Hey amorgan!\n\nA new public key was added to your account:\n\n  Title:       laptop-2026\n  Fingerprint: SHA256:q9Vd0fK7m1xYQp2Lrj8uXkZs3Wc5nT6bHa4eGo1iJ0E\n\nIf you did not add this key, remove it immediately at https://forge.example/user/settings/keys\nand contact support.\n\n-- \nForge\n"},
		{lumenIT, fInbox, at(locParis, 2026, 11, 13, 8, 0), "Your app password for IMAP expires in 7 days", "Hello Alex Morgan,\n\nThe app password \"thunderbird-laptop\" on your Lumen account expires on 20 November 2026.\nCreate a new one at https://id.lumen.example/app-passwords before that date, otherwise your\nmail client will stop syncing.\n\nThis is an automated message from Lumen IT. Do not reply.\n"},
		{acmeSec, fInbox, at(locUTC, 2026, 8, 29, 22, 18), "Password reset requested", "Hi Alex,\n\nSomeone asked to reset the password of your ACME Cloud account. If it was you, use this link within 30 minutes:\n\nhttps://console.acmecloud.example/reset/" + r.alnum(32) + "\n\nIf you did not request this, you can safely ignore this email; your password will not change.\n\nACME Cloud Security\n"},
		{forgeSec, fTrash, at(locUTC, 2026, 1, 20, 9, 5), "[Forge] Please verify your device", "Hey amorgan!\n\nA sign-in attempt requires further verification because we did not recognize your device.\n\nVerification code: 481 209\n\nIf you did not attempt to sign in, change your password.\n\n-- \nForge\n"},
		{lumenIT, fArchive, at(locParis, 2025, 12, 8, 7, 30), "Maintenance: mail server migration on Saturday 13 December", "Hello,\n\nThe Lumen mail server will be migrated to new hardware on Saturday 13 December between\n07:00 and 12:00 CET. Webmail and IMAP will be unavailable for up to 30 minutes during that window.\nNo action is required from you.\n\nLumen IT\n"},
	}
	for _, n := range ns {
		g.add(n.folder, &email{from: n.from, to: []*person{owner}, subject: n.subj, date: n.d, text: n.text,
			incoming: true, delivery: g.delivery(r)})
	}
}

// ---------------------------------------------------------------------------
// Travel: tickets with PDF and iCalendar, a booking forwarded as message/rfc822.

func (g *gen) ticket(r *rng, folder string, d time.Time, from, to string, dep time.Time, dur time.Duration, ref string) *mail {
	arr := dep.Add(dur)
	text := fmt.Sprintf(`Booking confirmation %s

Thank you for booking with EuroRail Tickets.

Passenger:  Alex MORGAN
Journey:    %s → %s
Departure:  %s
Arrival:    %s
Coach 14, seat 63 (window), 2nd class, flexible fare

Your e-ticket is attached as a PDF; the event is attached for your calendar.
Please have the QR code ready on your phone or printed.

Manage your booking: https://eurorail.example/booking/%s

Bon voyage!
EuroRail Tickets
`, ref, from, to, dep.Format("Mon 2 Jan 2006, 15:04"), arr.Format("Mon 2 Jan 2006, 15:04"), ref)
	htmlDoc := fmt.Sprintf(`<html><head><meta charset="utf-8"></head><body style="font-family:Arial,sans-serif">
<table width="600" align="center" cellpadding="12" style="border:1px solid #ccd">
<tr><td bgcolor="#003b6f" style="color:#fff;font-size:20px">EuroRail Tickets &mdash; booking %s</td></tr>
<tr><td><p>Passenger: <b>Alex MORGAN</b></p>
<table cellpadding="4"><tr><th align="left">From</th><th align="left">To</th><th align="left">Departure</th><th align="left">Arrival</th></tr>
<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr></table>
<p>Coach 14, seat 63 (window) &middot; 2nd class &middot; flexible fare</p>
<p><img src="https://eurorail.example/qr/%s.png" width="160" height="160" alt="QR code"></p>
<p><a href="https://eurorail.example/booking/%s">Manage your booking</a></p></td></tr></table></body></html>
`, ref, html.EscapeString(from), html.EscapeString(to), dep.Format("2 Jan 2006 15:04"), arr.Format("2 Jan 2006 15:04"), ref, ref)
	ics := icsEvent("PUBLISH", ref+"@eurorail.example", "Train "+from+" → "+to, from, "Booking "+ref+", coach 14 seat 63", dep, arr, eurorail, []*person{owner}, d)
	pdf := makePDF("E-ticket "+ref, d, []string{"Passenger: Alex MORGAN", "From: " + from, "To: " + to,
		"Departure: " + dep.Format("2006-01-02 15:04"), "Arrival: " + arr.Format("2006-01-02 15:04"),
		"Coach 14, seat 63, 2nd class", "Fare: flexible", "[QR " + r.alnum(40) + "]"})
	return g.add(folder, &email{from: eurorail, to: []*person{owner}, subject: fmt.Sprintf("Booking confirmation %s – %s → %s", ref, from, to),
		date: d, text: text, html: htmlDoc, incoming: true, delivery: g.delivery(r), bulkHost: "out.eurorail.example",
		files: []att{
			{name: "e-ticket-" + ref + ".pdf", ctype: "application/pdf", data: pdf},
			{name: "trip.ics", ctype: "text/calendar; charset=UTF-8; method=PUBLISH", data: []byte(ics)},
		}})
}

func (g *gen) travel() {
	r := g.r.fork("travel")
	g.ticket(r, fInbox, at(locParis, 2026, 3, 2, 12, 30), "Lyon Part-Dieu", "Paris Gare de Lyon", at(locParis, 2026, 3, 19, 7, 4), 2*time.Hour, "EX"+r.upperHex(6))
	g.ticket(r, fInbox, at(locParis, 2026, 6, 22, 19, 10), "Lyon Part-Dieu", "Genève-Cornavin", at(locParis, 2026, 7, 3, 8, 10), 112*time.Minute, "EX"+r.upperHex(6))
	g.ticket(r, fArchive, at(locParis, 2025, 10, 20, 9, 2), "Lyon Part-Dieu", "Marseille Saint-Charles", at(locParis, 2025, 11, 6, 9, 4), 101*time.Minute, "EX"+r.upperHex(6))
	g.ticket(r, fArchive, at(locParis, 2025, 12, 2, 21, 45), "Paris Nord", "London St Pancras", at(locParis, 2025, 12, 22, 10, 13), 137*time.Minute, "EX"+r.upperHex(6))

	// Flight to Athens for the talk.
	fl := at(locParis, 2026, 3, 19, 11, 35)
	text := fmt.Sprintf(`Dear Mr Alex Morgan,

Your flight is confirmed.

Booking reference: %s
Flight HX 2117  Lyon (LYS) → Athens (ATH)
Thursday 19 March 2026, 11:35 → 15:55 (local times)
Flight HX 2118  Athens (ATH) → Lyon (LYS)
Sunday 22 March 2026, 16:40 → 19:10 (local times)

Baggage: 1 × 8 kg cabin bag, 1 × 23 kg checked bag.
Online check-in opens 24 hours before departure: https://heliosair.example/checkin

Ευχαριστούμε που επιλέξατε την Helios Air.
Thank you for choosing Helios Air.
`, "K"+r.upperHex(5))
	g.add(fInbox, &email{from: helios, to: []*person{owner}, subject: "Your booking is confirmed – LYS ⇄ ATH, 19–22 March 2026",
		date: at(locAthens, 2026, 1, 12, 14, 20), text: text, incoming: true, delivery: g.delivery(r), bulkHost: "mailer.heliosair.example"})
	g.add(fInbox, &email{from: helios, to: []*person{owner}, subject: "Check-in is open: HX 2117 to Athens",
		date: fl.Add(-24 * time.Hour).In(locAthens), text: "Dear Mr Alex Morgan,\n\nCheck-in for flight HX 2117 Lyon → Athens on 19 March is now open.\n\nCheck in now: https://heliosair.example/checkin\n\nΚαλό ταξίδι!\nHelios Air\n",
		incoming: true, delivery: g.delivery(r), bulkHost: "mailer.heliosair.example"})

	// Hotel in Lisbon, booked in September.
	g.add(fInbox, &email{from: staywell, to: []*person{owner}, subject: "Reservation confirmed: Casa do Largo, Lisboa (3 nights)",
		date: at(locUTC, 2026, 9, 5, 18, 2), text: "Hi Alex,\n\nYour stay is confirmed!\n\n  Casa do Largo – Alfama, Lisboa\n  Check-in:  Thu 8 October 2026, from 15:00\n  Check-out: Sun 11 October 2026, until 11:00\n  Guests:    2 adults\n  Total:     412,50 € (paid)\n\nYour host, Inês, will send you the key-box code on the day of arrival.\n\nStayWell\n",
		html:     `<html><body style="font-family:Helvetica,Arial,sans-serif"><div style="max-width:600px;margin:auto"><img src="https://img.staywell.example/listing/88213/cover.jpg" width="600" height="300" alt="Casa do Largo"><h2>Your stay is confirmed!</h2><p><b>Casa do Largo – Alfama, Lisboa</b><br>Thu 8 October 2026 → Sun 11 October 2026 · 2 adults</p><p>Total: <b>412,50&nbsp;€</b> (paid)</p><p><a href="https://staywell.example/trips/88213">View your trip</a></p></div><img src="https://t.staywell.example/open.gif?r=88213" width="1" height="1"></body></html>`,
		incoming: true, delivery: g.delivery(r), bulkHost: "mx.staywell.example"})
}

// travelForwardThread: a booking received, forwarded as message/rfc822 to the
// travel desk, and the answer.
func (g *gen) travelForwardThread() {
	r := g.r.fork("fwd")
	booking := g.ticket(r, fInbox, at(locParis, 2026, 9, 8, 16, 21), "Lyon Part-Dieu", "Hamburg Hbf", at(locParis, 2026, 9, 22, 6, 58), 9*time.Hour+41*time.Minute, "EX"+r.upperHex(6))
	booking.seen = 1
	d := at(locParis, 2026, 9, 8, 17, 2)
	fwd := g.add(fSent, &email{from: owner, to: []*person{sophie}, subject: "Fwd: " + booking.e.subject, date: d,
		text:  "Hi Sophie,\n\nHere is the train booking for the Nordwind visit in Hamburg (22–24 September), for the travel budget. The original confirmation is attached.\n\nThe hotel is booked separately; I'll forward that one as well.\n\nThanks,\nAlex" + sigBlock(owner),
		files: []att{{name: "Booking confirmation.eml", ctype: "message/rfc822", data: booking.raw}}})
	g.add(fInbox, &email{from: sophie, to: []*person{owner}, subject: replySubject(sophie.mua, fwd.e.subject),
		date: d.Add(dur(0, 1, 14)), inReply: fwd.id, refs: []string{fwd.id}, incoming: true, delivery: g.delivery(r),
		text: composeReply(sophie, fwd, "Hi Alex,\n\nThanks, booked under the Nordwind project code (NW-2027). For the hotel, please use the partner rate at the Hotel Alster, they know us.\n\nSophie")})
}

// ---------------------------------------------------------------------------
// Meetups and calendar invitations.

func (g *gen) meetups() {
	r := g.r.fork("meetup")
	talks := []string{
		"Profiling Go services in production with pprof and eBPF",
		"Writing an IMAP server in 500 lines",
		"Generics, two years later: patterns that stuck",
		"Testing with synctest: deterministic concurrency",
		"From cron to Temporal: a migration story",
		"Structured logging with log/slog",
		"SQLite in production? Yes, really",
		"Building CLIs people enjoy using",
	}
	dates := []struct {
		d      time.Time
		folder string
	}{
		{at(locParis, 2025, 10, 1, 12, 0), fArchive}, {at(locParis, 2025, 11, 26, 12, 0), fArchive},
		{at(locParis, 2026, 1, 21, 12, 0), fTrash}, {at(locParis, 2026, 3, 25, 12, 0), fInbox},
		{at(locParis, 2026, 5, 27, 12, 0), fTrash}, {at(locParis, 2026, 7, 1, 12, 0), fInbox},
		{at(locParis, 2026, 9, 23, 12, 0), fInbox}, {at(locParis, 2026, 11, 4, 12, 0), fInbox},
	}
	for i, x := range dates {
		ev := x.d.AddDate(0, 0, 14)
		ev = time.Date(ev.Year(), ev.Month(), ev.Day(), 19, 0, 0, 0, locParis)
		t1, t2 := talks[i%len(talks)], talks[(i+3)%len(talks)]
		text := fmt.Sprintf("Lyon Gophers – meetup #%d\n\n%s, 19:00, at Lumen Systems, 27 rue de la Villette, Lyon\n\n• %s\n• %s\n\nPizza and drinks offered by our host. 60 seats, RSVP required:\nhttps://meetup.example/lyon-gophers/events/%d\n\nSee you there!\nThe organisers\n\n--\nYou receive this because you are a member of Lyon Gophers.\nUnsubscribe: https://meetup.example/lyon-gophers/settings\n",
			40+i, ev.Format("Wednesday 2 January"), t1, t2, 300100+i)
		htmlDoc := fmt.Sprintf(`<html><body style="font-family:Arial,sans-serif;background:#f6f7f9"><table width="600" align="center" bgcolor="#ffffff" cellpadding="16">
<tr><td><img src="https://secure.meetup.example/photos/event/lyon-gophers-%d.jpeg" width="568" height="220" alt=""></td></tr>
<tr><td><h1 style="color:#00add8">Lyon Gophers – meetup #%d</h1><p><b>%s, 19:00</b> · Lumen Systems, 27 rue de la Villette</p>
<ul><li>%s</li><li>%s</li></ul>
<p><a href="https://meetup.example/lyon-gophers/events/%d" style="background:#00add8;color:#fff;padding:10px 20px;text-decoration:none">RSVP</a></p></td></tr></table>
<img src="https://meetup.example/trk/o/%s" width="1" height="1"></body></html>`, 40+i, 40+i, ev.Format("Wednesday 2 January"), html.EscapeString(t1), html.EscapeString(t2), 300100+i, r.alnum(22))
		g.add(x.folder, &email{from: meetup, to: []*person{owner}, subject: fmt.Sprintf("New event: Lyon Gophers #%d – %s", 40+i, t1),
			date: x.d.Add(time.Duration(r.intn(7200)) * time.Second), text: text, html: htmlDoc, incoming: true, delivery: g.delivery(r),
			bulkHost: "mail.meetup.example", extra: header{{"List-Unsubscribe", "<https://meetup.example/lyon-gophers/settings>"}, {"Precedence", "bulk"}}})
	}
}

func (g *gen) invites() {
	r := g.r.fork("invites")
	type inv struct {
		org      *person
		folder   string
		sent     time.Time
		start    time.Time
		mins     int
		summary  string
		location string
		desc     string
		guests   []*person
	}
	list := []inv{
		{camille, fInbox, at(locParis, 2026, 1, 8, 10, 2), at(locParis, 2026, 1, 13, 14, 0), 30, "1:1 Alex / Camille", "Salle Rhône", "Bi-weekly 1:1. Agenda in the shared doc.", []*person{owner}},
		{sophie, fInbox, at(locParis, 2026, 3, 30, 9, 15), at(locParis, 2026, 4, 2, 11, 0), 60, "All-hands Q1 review", "Grande salle + visio", "Q1 results, roadmap, questions.\nVideo: https://meet.lumen.example/all-hands", []*person{owner, camille, jurgen, priya, tomas, noah}},
		{priya, fProjects, at(locParis, 2026, 7, 3, 15, 30), at(locParis, 2026, 7, 10, 10, 0), 60, "Design review: thread view", "Salle Saône", "Mockups v3, see Priya's mail.", []*person{owner, camille, jurgen}},
		{noah, fInbox, at(locParis, 2026, 10, 19, 16, 40), at(locParis, 2026, 10, 22, 15, 0), 45, "Postmortem: IMAP proxy outage of 16 October", "Visio", "Timeline, root cause, action items. Please read the draft before the meeting.", []*person{owner, jurgen, camille}},
		{camille, fInbox, at(locParis, 2026, 11, 16, 9, 0), at(locParis, 2026, 11, 24, 14, 0), 30, "1:1 Alex / Camille – objectives 2027", "Salle Rhône", "Objectives for next year, feedback round.", []*person{owner}},
		{yamada, fInbox, at(locTokyo, 2026, 11, 6, 18, 0), at(locTokyo, 2026, 11, 12, 16, 0), 60, "桜商事 / Lumen Systems オンライン打ち合わせ", "Online (video)", "メールアーカイブ連携について", []*person{owner, suzuki}},
	}
	for _, v := range list {
		end := v.start.Add(time.Duration(v.mins) * time.Minute)
		loc := owner.tz
		ics := icsEvent("REQUEST", r.hex(24)+"@lumen.example", v.summary, v.location, v.desc, v.start, end, v.org, v.guests, v.sent)
		when := v.start.In(loc).Format("Mon 2 Jan 2006 15:04") + " – " + end.In(loc).Format("15:04") + " (" + v.start.In(loc).Format("MST") + ")"
		text := fmt.Sprintf("%s has invited you to the following event.\n\n%s\nWhen: %s\nWhere: %s\n\n%s\n\nGoing? Yes - Maybe - No\nhttps://calendar.lumen.example/event?action=RESPOND&eid=%s\n\nInvitation from Lumen Calendar\n", v.org.name, v.summary, when, v.location, v.desc, r.alnum(20))
		htmlDoc := fmt.Sprintf(`<html><body><div style="font-family:Arial,sans-serif;border:1px solid #dadce0;border-radius:8px;padding:16px;max-width:520px">
<p style="color:#5f6368">%s has invited you to the following event.</p><h2 style="margin:4px 0">%s</h2>
<table><tr><td style="color:#5f6368;padding-right:12px">When</td><td>%s</td></tr><tr><td style="color:#5f6368">Where</td><td>%s</td></tr></table>
<p>%s</p><p><a href="https://calendar.lumen.example/event?action=RESPOND&amp;partstat=ACCEPTED">Yes</a> &middot; <a href="https://calendar.lumen.example/event?action=RESPOND&amp;partstat=TENTATIVE">Maybe</a> &middot; <a href="https://calendar.lumen.example/event?action=RESPOND&amp;partstat=DECLINED">No</a></p></div></body></html>
`, html.EscapeString(v.org.name), html.EscapeString(v.summary), html.EscapeString(when), html.EscapeString(v.location), strings.ReplaceAll(html.EscapeString(v.desc), "\n", "<br>"))
		calAddr := lumenCal.addr
		if v.org.domain() != "lumen.example" {
			calAddr = "calendar@" + v.org.domain()
		}
		from := &person{name: v.org.name, addr: calAddr, tz: v.org.tz, mua: lumenCal.mua}
		textP := textPart("plain", "UTF-8", "quoted-printable", text)
		if isASCII(text) {
			textP = textPart("plain", "UTF-8", "7bit", text)
		}
		calCTE := "7bit"
		if !isASCII(ics) {
			calCTE = "base64"
		}
		alt := multipart("alternative", g.boundary(nil, "alternative"),
			textP,
			textPart("html", "UTF-8", "quoted-printable", htmlDoc),
			textPart("calendar", "UTF-8", calCTE, ics, "method=REQUEST"))
		body := multipart("mixed", g.boundary(nil, "mixed"), alt, filePart("application/ics", "invite.ics", []byte(ics), "attachment", fnRFC2231, ""))
		subj := fmt.Sprintf("Invitation: %s @ %s", v.summary, when)
		g.add(v.folder, &email{from: from, to: v.guests, subject: subj, date: v.sent.In(v.org.tz), body: body,
			replyTo: formatAddr(v.org.name, v.org.addr, nameEnc{"UTF-8", false}), incoming: true, delivery: g.delivery(r)})
	}
}
