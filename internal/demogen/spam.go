package main

import (
	"fmt"
	"time"
)

// spam fills Junk with typical unsolicited mail (lotteries, phishing, scams)
// in several languages and charsets, and adds a few more messages to Trash.
func (g *gen) spam() {
	r := g.r.fork("spam")
	sp := func(name, addr string, tz *time.Location, charset, cte string, names nameEnc) *person {
		return &person{name: name, addr: addr, tz: tz, mua: &mua{
			charset: charset, asciiAs: charset, cte: cte, names: names,
			reply: "Re: ", quote: "top", idStyle: "default", fnStyle: fnRFC2047, zeroDay: r.chance(0.5),
		}}
	}
	type junk struct {
		from    *person
		d       time.Time
		subject string
		text    string
		html    string
		files   []att
		to      string // undisclosed / other recipients instead of the owner
	}
	js := []junk{
		{from: sp("Lotería Internacional", "premios@loteria-internacional.example", locMadrid, "iso-8859-1", "quoted-printable", nameEnc{"iso-8859-1", true}),
			d: at(locMadrid, 2026, 1, 3, 4, 12), subject: "¡¡¡ENHORABUENA!!! Usted ha ganado 1.000.000,00 EUR",
			text: "Estimado/a afortunado/a:\n\nSu dirección de correo electrónico ha sido seleccionada en el sorteo internacional del día 28/12/2025 con el número de billete 0047-8812-33.\n\nPremio: UN MILLÓN DE EUROS (1.000.000,00 EUR)\n\nPara reclamar su premio envíe sus datos completos (nombre, dirección, teléfono, copia del pasaporte) al agente de pagos:\nSr. Rodrigo Alcázar - agente.pagos@loteria-internacional.example\n\nATENCIÓN: el plazo para reclamar vence en 7 días.\n", to: "Undisclosed recipients:;"},
		{from: sp("Маркетинг Про", "info@marketing-pro.example", locMoscow, "koi8-r", "8bit", nameEnc{"koi8-r", false}),
			d: at(locMoscow, 2026, 2, 17, 6, 40), subject: "Увеличьте продажи в 10 раз за 30 дней!",
			text: "Здравствуйте!\n\nВаш сайт теряет клиентов каждый день. Мы поможем:\n\n- продвижение в поисковых системах - ТОП-10 за 30 дней\n- рассылки по базе 2 000 000 адресов\n- настройка рекламы под ключ\n\nТолько до конца месяца - скидка 50 %!\n\nЗвоните: +7 900 000-00-00\nОтписаться: ответьте на это письмо со словом STOP\n"},
		{from: sp("Banque du Rhone - Service Securite", "securite@banque-rhone-verification.example", locParis, "utf-8", "quoted-printable", nameEnc{"utf-8", true}),
			d: at(locParis, 2026, 3, 21, 2, 15), subject: "Action requise : votre compte sera suspendu sous 24h",
			text: "Cher client,\n\nSuite à une activité inhabituelle, votre accès en ligne a été limité. Veuillez confirmer votre identité sous 24 heures :\nhttp://banque-rhone-verification.example/secure/login.php?id=4417\n\nSans action de votre part, votre compte sera suspendu.\n\nService Sécurité\n",
			html: `<html><body style="font-family:Arial"><table width="600" align="center"><tr><td bgcolor="#0b3d91" style="padding:18px"><img src="http://banque-rhone-verification.example/img/logo.png" width="160" height="40" alt="Banque du Rhône"></td></tr><tr><td style="padding:20px"><p>Cher client,</p><p>Suite à une <b>activité inhabituelle</b>, votre accès en ligne a été limité.</p><p style="text-align:center"><a href="http://banque-rhone-verification.example/secure/login.php?id=4417" style="background:#e53935;color:#fff;padding:12px 24px;text-decoration:none">CONFIRMER MON IDENTITÉ</a></p><p style="font-size:11px;color:#999">Banque du Rhône - Service Sécurité</p></td></tr></table></body></html>`},
		{from: sp("Mail Administrator", "admin@lumen-example-mail.example", locUTC, "us-ascii", "7bit", nameEnc{"utf-8", true}),
			d: at(locUTC, 2026, 4, 9, 3, 3), subject: "Your mailbox alex.morgan@lumen.example is almost full (98%)",
			text: "Dear alex.morgan,\n\nYour mailbox has exceeded the storage limit (9.8 GB of 10 GB). You will not be able to send or receive new messages.\n\nTo increase your quota for free, validate your account here:\nhttp://lumen-example-mail.example/quota/upgrade?user=alex.morgan\n\nThank you,\nMail Administrator\n"},
		{from: sp("Crypto Wealth Club", "vip@cryptowealth-club.example", locNY, "UTF-8", "base64", nameEnc{"UTF-8", false}),
			d: at(locNY, 2026, 5, 2, 1, 55), subject: "🚀 Turn 250 € into 12 400 € – limited spots left",
			text: "Hi,\n\nOur AI trading bot made 4,860 % last year. Members like you start with just 250 € and withdraw anytime.\n\n👉 Claim your spot: http://cryptowealth-club.example/join?ref=am442\n\nOnly 17 spots left today!\n\nTo stop receiving these emails click here.\n"},
		{from: sp("Discreet Pharmacy", "orders@rx-discreet.example", locUTC, "us-ascii", "7bit", nameEnc{"utf-8", true}),
			d: at(locUTC, 2026, 5, 30, 5, 21), subject: "Re: your 0rder - 80% 0FF today",
			text: "Hello,\n\nBest pr1ces on all meds, n0 prescription needed. Discreet w0rldwide shipping.\n\nhttp://rx-discreet.example/?c=442\n\nReply REMOVE to unsubscribe.\n"},
		{from: sp("Accounts Payable", "accounts@invoice-portal.example", locUTC, "us-ascii", "7bit", nameEnc{"utf-8", true}),
			d: at(locUTC, 2026, 6, 18, 9, 2), subject: "Invoice #88231 - payment overdue",
			text:  "Hello,\n\nPlease find attached the overdue invoice #88231. Kindly arrange the payment today to avoid legal action.\n\nRegards,\nAccounts Payable\n",
			files: []att{{name: "Invoice_88231.pdf", ctype: "application/pdf", data: makePDF("Invoice 88231", at(locUTC, 2026, 6, 18, 8, 0), []string{"Amount due: 2,380.00 USD", "Pay to: IBAN XX00 0000 0000 0000", "Due immediately"})}}},
		{from: sp("カスタマーサポート", "support@account-notice.example", locTokyo, "shift_jis", "base64", nameEnc{"shift_jis", false}),
			d: at(locTokyo, 2026, 7, 7, 4, 48), subject: "【重要】お客様のアカウントが一時停止されました",
			text: "お客様各位\n\nお客様のアカウントで不審なログインが検出されたため、アカウントを一時停止いたしました。\n\n以下のリンクから24時間以内に本人確認を行ってください。\nhttp://account-notice.example/verify?id=88213\n\n本人確認が行われない場合、アカウントは永久に停止されます。\n\nカスタマーサポート\n"},
		{from: sp("GiftCard Rewards", "rewards@giftcard-rewards.example", locNY, "UTF-8", "quoted-printable", nameEnc{"UTF-8", true}),
			d: at(locNY, 2026, 7, 29, 23, 10), subject: "Congratulations Alex! You've been selected for a $500 gift card",
			text: "Congratulations!\n\nYou have been selected to receive a $500 gift card. Answer 3 quick questions to claim it:\nhttp://giftcard-rewards.example/claim?u=alex\n\nOffer expires in 2 hours.\n",
			html: `<html><body><center><img src="http://giftcard-rewards.example/banner.gif" width="600" height="300"><h1 style="color:#d00">CONGRATULATIONS!</h1><p>You have been selected to receive a <b>$500 gift card</b>.</p><a href="http://giftcard-rewards.example/claim?u=alex"><img src="http://giftcard-rewards.example/claim-button.png" alt="CLAIM NOW"></a><img src="http://giftcard-rewards.example/o.gif?u=alex" width="1" height="1"></center></body></html>`},
		{from: sp("Livraison Colis", "noreply@suivi-colis-livraison.example", locParis, "utf-8", "quoted-printable", nameEnc{"utf-8", true}),
			d: at(locParis, 2026, 8, 14, 7, 30), subject: "Votre colis n'a pas pu être livré - frais de réexpédition 1,99 €",
			text: "Bonjour,\n\nVotre colis n° FR8812204 n'a pas pu être livré car les frais d'affranchissement (1,99 €) n'ont pas été réglés.\n\nProgrammez une nouvelle livraison : http://suivi-colis-livraison.example/reprogrammer\n\nService client\n"},
		{from: sp("Nordbank Sicherheit", "sicherheit@nordbank-konto-pruefung.example", locBerlin, "windows-1252", "quoted-printable", nameEnc{"windows-1252", true}),
			d: at(locBerlin, 2026, 9, 8, 5, 5), subject: "Ihr Konto wurde gesperrt – Bestätigung erforderlich",
			text: "Sehr geehrte Kundin, sehr geehrter Kunde,\n\naufgrund einer Sicherheitsüberprüfung wurde Ihr Online-Banking-Zugang vorübergehend gesperrt. Bitte bestätigen Sie Ihre Daten innerhalb von 48 Stunden:\n\nhttp://nordbank-konto-pruefung.example/login\n\nMit freundlichen Grüßen\nIhr Nordbank-Sicherheitsteam\n"},
		{from: sp("SEO Experts", "hello@seo-experts-rank.example", locUTC, "us-ascii", "7bit", nameEnc{"utf-8", true}),
			d: at(locUTC, 2026, 9, 25, 11, 40), subject: "Quick question about lumen.example",
			text: "Hi there,\n\nI was looking at lumen.example and noticed it is not ranking for several important keywords. We can get you to the first page of the search engines in 60 days, guaranteed.\n\nCan I send you a free audit?\n\nBest,\nJake\nSEO Experts\n"},
		{from: sp("Mrs. Grace Williams", "grace.williams1961@mail-free.example", locUTC, "us-ascii", "7bit", nameEnc{"utf-8", true}),
			d: at(locUTC, 2026, 10, 10, 13, 13), subject: "Dear Friend, I need your urgent assistance",
			text: "Dear Friend,\n\nI am Mrs. Grace Williams, a widow suffering from a long illness. I have the sum of $4,500,000 (Four Million Five Hundred Thousand US Dollars) in a bank account and I want you to help me distribute it to charity.\n\nPlease reply with your full name, address and telephone number.\n\nGod bless you,\nMrs. Grace Williams\n", to: "Undisclosed recipients:;"},
		{from: sp("Κληρώσεις Δώρων", "doro@kliroseis-doron.example", locAthens, "utf-8", "base64", nameEnc{"utf-8", false}),
			d: at(locAthens, 2026, 10, 30, 3, 33), subject: "Κερδίσατε ένα smartphone! Επιβεβαιώστε σήμερα",
			text: "Συγχαρητήρια!\n\nΗ διεύθυνσή σας κληρώθηκε και κερδίσατε ένα καινούργιο smartphone. Πληρώστε μόνο τα έξοδα αποστολής (2 €):\nhttp://kliroseis-doron.example/doro\n\nΗ προσφορά λήγει σήμερα.\n"},
		{from: sp("Paketdienst Express", "tracking@paket-zustellung-express.example", locBerlin, "utf-8", "quoted-printable", nameEnc{"utf-8", true}),
			d: at(locBerlin, 2026, 11, 18, 6, 2), subject: "Zustellung fehlgeschlagen: Paket 00340434161094042557",
			text: "Hallo,\n\nleider konnten wir Ihr Paket heute nicht zustellen. Bitte bestätigen Sie Ihre Adresse und zahlen Sie die Zollgebühr von 2,99 €:\nhttp://paket-zustellung-express.example/paket\n"},
	}
	for i, j := range js {
		e := &email{from: j.from, subject: j.subject, date: j.d, text: j.text, html: j.html, files: j.files,
			incoming: true, delivery: g.delivery(r), auth: pick(r, []string{"fail", "softfail", "none"}),
			bulkHost: fmt.Sprintf("host-%d.dyn.example.net", r.between(10, 250))}
		if j.to != "" {
			e.toRaw = []string{j.to}
		} else {
			e.to = []*person{owner}
		}
		score := 5.5 + float64(r.intn(90))/10
		e.extra.add("X-Spam-Flag", "YES")
		e.extra.add("X-Spam-Score", fmt.Sprintf("%.1f", score))
		e.extra.add("X-Spam-Status", fmt.Sprintf("Yes, score=%.1f required=5.0 tests=BAYES_99,HTML_MESSAGE,RDNS_NONE,SPF_FAIL,URIBL_BLACK autolearn=no", score))
		m := g.add(fJunk, e)
		if i%3 == 0 {
			m.seen = 1
		} else {
			m.seen = -1
		}
	}

	// More Trash: things deleted without reading much.
	g.add(fTrash, &email{from: staywell, to: []*person{owner}, subject: "How was your stay at Casa do Largo? ⭐⭐⭐⭐⭐",
		date: at(locUTC, 2026, 10, 12, 9, 0), text: "Hi Alex,\n\nWe hope you enjoyed Lisboa! Leave a review for Inês and help other travellers: https://staywell.example/review/88213\n\nStayWell\n",
		html:     `<html><body style="font-family:Helvetica"><h2>How was your stay?</h2><p><a href="https://staywell.example/review/88213?s=5">★★★★★</a></p><img src="https://t.staywell.example/open.gif?r=88213&amp;m=review" width="1" height="1"></body></html>`,
		incoming: true, delivery: g.delivery(r), bulkHost: "mx.staywell.example"})
	g.add(fTrash, &email{from: acme, to: []*person{owner}, subject: "What's new at ACME Cloud: ARM instances, new regions and more",
		date: at(locUTC, 2026, 6, 9, 14, 0), text: "Hello Alex,\n\nThis month: ARM-based instances are generally available, two new regions (Lisbon and Warsaw), and object storage is now 15 % cheaper.\n\nRead the full update: https://acmecloud.example/blog/2026-06-update\n\nYou can manage your email preferences at https://console.acmecloud.example/preferences\n",
		incoming: true, delivery: g.delivery(r), bulkHost: "news.acmecloud.example",
		extra: header{{"List-Unsubscribe", "<https://console.acmecloud.example/preferences/unsubscribe>"}, {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}, {"Precedence", "bulk"}}})
	g.add(fTrash, &email{from: forgeSec, to: []*person{owner}, subject: "[Forge] Your weekly digest: 14 notifications",
		date: at(locUTC, 2026, 8, 31, 6, 0), text: "Hey amorgan, here's what happened in your repositories last week:\n\n- lumen/mailaccess: 9 pull requests merged, 5 issues opened, 7 closed\n- lumen/go-imapcache: 1 release (v0.4.2)\n\nhttps://forge.example/notifications\n",
		incoming: true, delivery: g.delivery(r)})
}
