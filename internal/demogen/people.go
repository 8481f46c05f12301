package main

import (
	"image/color"
	"time"
)

var (
	pavel = &person{name: "Pavel Novák", addr: "pavel.novak@posta.example.cz", lang: "en", tz: locBerlin,
		mua: thunderbird("UTF-8", "8bit", nameEnc{"UTF-8", true})}
	amara = &person{name: "Amara Okafor", addr: "amara@okafor.example", lang: "en", tz: locLondon, mua: gmail("bottom")}
)

// note files a single (non-thread) message. Messages from the owner go to Sent.
func (g *gen) note(folder string, from *person, to, cc []*person, subj string, d time.Time, text string, files ...att) *mail {
	e := &email{from: from, to: to, cc: cc, subject: subj, date: d.In(from.tz), text: text + sigBlock(from), files: files}
	if from == owner {
		folder = fSent
	} else {
		e.incoming = true
		e.delivery = g.delivery(g.r)
	}
	return g.add(folder, e)
}

// reply answers an earlier generated message (found by subject), quoting it
// in the replier's style.
func (g *gen) reply(parentSubj string, from *person, to, cc []*person, d time.Time, text string, files ...att) *mail {
	p := g.find(parentSubj)
	if p == nil {
		panic("reply: no message with subject " + parentSubj)
	}
	if to == nil {
		to = []*person{p.e.from}
	}
	e := &email{from: from, to: to, cc: cc, subject: replySubject(from.mua, p.e.subject), date: d.In(from.tz),
		inReply: p.id, refs: append(append([]string(nil), p.e.refs...), p.id), text: composeReply(from, p, text), files: files}
	folder := p.folder
	if from == owner {
		folder = fSent
		p.answered = true
	} else {
		e.incoming = true
		e.delivery = g.delivery(g.r)
	}
	return g.add(folder, e)
}

func (g *gen) listPost(folder string, from *person, subj string, d time.Time, text string, files ...att) *mail {
	e := &email{from: from, to: []*person{lumenDev.p}, subject: lumenDev.tag + subj, date: d.In(from.tz),
		text: text + sigBlock(from), files: files, incoming: true, delivery: g.delivery(g.r),
		sender: "lumen-dev <lumen-dev-bounces@lists.lumen.example>", retPath: "lumen-dev-bounces@lists.lumen.example"}
	e.extra = lumenDev.headers()
	return g.add(folder, e)
}

func (g *gen) colleagues() {
	r := g.r.fork("colleagues")
	all := []*person{owner, camille, jurgen, priya, tomas, noah, lea, marco, yasmin, oskar, chloe, daniel}
	devs := []*person{owner, jurgen, noah, tomas}

	g.note(fInbox, camille, []*person{owner}, nil, "1:1 agenda for Tuesday", at(locParis, 2026, 1, 9, 17, 40), `Hi Alex,

For Tuesday, I'd like to cover:

1. Feedback from Nordwind on the 0.7 upgrade
2. Your objectives for H1 (draft is in the shared folder)
3. The conference budget: Athens is approved, the second one we should discuss

Add anything you want on your side.

Camille`)
	g.note(fInbox, noah, devs, nil, "On-call handover: week 6", at(locParis, 2026, 2, 2, 9, 5), `Hi all,

Handover for week 6; Jürgen is on call from today 10:00.

- Tuesday night: disk full on imap-proxy-2 (log rotation broken after the Debian upgrade). Fixed, ticket OPS-311 for the permanent fix.
- Thursday: Nordwind reported slow folder lists. Caused by a 40k-folder shared namespace on their side; workaround: LIST with a narrower pattern. See OPS-314.
- Nothing pending in the queue.

Have a quiet week!
Noah`)
	g.note(fInbox, priya, []*person{owner}, nil, "Coffee tomorrow? ☕", at(locParis, 2026, 3, 18, 15, 2), `Hey Alex,

Do you have 20 minutes tomorrow morning? I'd like to pick your brain about how we could show the "encrypted" state of S/MIME messages in the reader. Coffee is on me.

Priya`)
	g.note(fInbox, sophie, all, nil, "Fire drill on Tuesday 5 May at 10:30", at(locParis, 2026, 4, 28, 11, 20), `Hello everyone,

There will be a fire drill on Tuesday 5 May at 10:30. When the alarm goes off, leave the building by the nearest staircase (not the lift) and gather at the assembly point in front of the bakery on the corner.

It should take about 15 minutes. Please don't schedule customer calls at that time.

Thanks,
Sophie`)
	g.note(fInbox, lea, without(all, tomas), nil, "Birthday card for Tomás 🎂 (don't reply all!)", at(locParis, 2026, 5, 19, 10, 3), `Coucou tout le monde,

Tomás's birthday is on Friday! The card is on my desk (2nd floor, next to the plants); please sign it before Thursday evening. We are also collecting for a present (a good bottle of Rioja), 5 € each, cash or Lydia.

Cake in the kitchen on Friday at 16:00 🎉

Léa`)
	g.note(fInbox, marco, all, nil, "Lost: black umbrella in meeting room Saône", at(locParis, 2026, 6, 4, 14, 12), `Hi all,

I left a black umbrella with a wooden handle in meeting room Saône yesterday afternoon. If you've seen it, please put it on my desk.

Grazie!
Marco`)
	g.note(fInbox, jurgen, []*person{owner, noah, tomas, priya}, nil, "Reading group: DDIA chapter 5 on Thursday", at(locParis, 2026, 6, 15, 9, 40), `Hi,

Reminder: reading group on Thursday at 12:30 in the kitchen, chapter 5 (Replication). Bring lunch.

Discussion questions:
- Which of the replication lag anomalies can our IMAP cache run into?
- Would leaderless replication make sense for the search index?

Jürgen`)
	g.note(fInbox, daniel, []*person{owner}, []*person{camille}, "Demo request: can you show mailaccess to a prospect on 2 Sept?", at(locParis, 2026, 7, 29, 16, 55), `Hi Alex,

A logistics company from Grenoble (about 300 mailboxes, currently on Roundcube) wants a technical demo on Wednesday 2 September, 10:00-11:00, video call. They are especially interested in search and the admin console.

Could you do it? I'll handle the commercial part; you'd need about 30 minutes for the demo and 15 for questions.

Thanks!
Daniel`)
	g.note(fInbox, sophie, all, nil, "Mutuelle : changement d'organisme au 1er octobre", at(locParis, 2026, 9, 1, 9, 30), `Bonjour à toutes et à tous,

À partir du 1er octobre, notre complémentaire santé change d'organisme. Les garanties restent identiques ou meilleures (optique et dentaire en hausse), et la cotisation salariale baisse légèrement.

Vous trouverez la notice en pièce jointe. Chacun recevra sa nouvelle carte de tiers payant par courrier avant le 25 septembre.

Une réunion d'information aura lieu le jeudi 10 septembre à 12 h 30 en salle Rhône.

Sophie`, att{name: "Notice mutuelle 2026-2027.pdf", ctype: "application/pdf", data: makePDF("Complementaire sante - notice 2026-2027", at(locParis, 2026, 8, 28, 12, 0), []string{
		"Organisme: Mutuelle des Monts du Lyonnais", "Date d'effet: 1er octobre 2026", "Optique: 250 EUR / 2 ans", "Dentaire: 300 % BR",
		"Hospitalisation: 100 % frais reels", "Cotisation salariale: 38,20 EUR / mois"})})
	g.note(fInbox, tomas, []*person{owner, jurgen, noah, priya, camille}, nil, "Bug bash Friday 15:00 – bring your weirdest mailbox", at(locParis, 2026, 9, 10, 11, 0), `Hola,

Bug bash for 0.9.0-rc1 this Friday at 15:00 in the big room. The rules:

- Bring the strangest mailbox you have access to (huge folders, ancient servers, 20-level nested folders, non-UTF-8 everything).
- Every confirmed bug earns a churro. The person with the most bugs picks the music for the next offsite.

I'll prepare test accounts on Dovecot, Cyrus, Stalwart and Exchange.

Tomás`)
	g.note(fInbox, yasmin, all, nil, "Welcome Oskar! (and onboarding buddies)", at(locParis, 2026, 10, 5, 9, 15), `Hi team,

Please welcome Oskar Lindqvist, who joins us today as a backend engineer! Oskar comes from a payments company in Stockholm and has a soft spot for databases.

His onboarding buddy is Alex. Oskar's first week: setup on Monday, architecture overview with Jürgen on Tuesday, and he'll shadow the on-call rotation from Wednesday.

Välkommen, Oskar!
Yasmin`)
	g.note(fInbox, noah, []*person{owner, jurgen, camille}, []*person{tomas}, "Incident: IMAP proxy returning NO [UNAVAILABLE] (resolved)", at(locParis, 2026, 10, 16, 15, 48), `Hi,

Short summary while it's fresh:

- 13:52-14:31 CEST: about 20 % of the IMAP sessions through imap-proxy-1 got "NO [UNAVAILABLE] Backend unreachable" on SELECT.
- Cause: the connection pool to the Dovecot backend was capped at 512 after the config change from Monday (it used to be 2048).
- Fix: reverted the limit, restarted the proxy at 14:29.
- Customer impact: Nordwind and two smaller customers noticed; support has answered them.

Postmortem invite follows. Please add anything I missed.

Noah`)
	g.note(fInbox, camille, all, nil, "Slides for the all-hands on Thursday", at(locParis, 2026, 11, 9, 18, 3), `Hi all,

Attached are the slides for Thursday's all-hands, so you can read them beforehand. Topics: 2026 results, the H1 2027 roadmap, the new customer portal, and the office plants (important).

Questions in advance are welcome, anonymous ones via the usual form.

Camille`, att{name: "all-hands-2026-11-12.pdf", ctype: "application/pdf", data: makePDF("All-hands 12 November 2026", at(locParis, 2026, 11, 9, 17, 0), []string{
		"1. 2026 in numbers: 41 customers (+9), 186k mailboxes (+52k)", "2. Roadmap H1 2027: sync engine, thread view, remote content",
		"3. Customer portal: beta in January", "4. Team: welcome Oskar; two open positions", "5. Office plants: watering rota"})})
	g.note(fInbox, chloe, all, nil, "Christmas party: save the date (Friday 11 December)", at(locParis, 2026, 11, 18, 11, 30), `Coucou à tous,

Save the date: our Christmas party will be on Friday 11 December from 18:30, at the Péniche Loupika on the quai Victor Augagneur. Partners welcome!

There will be a Secret Santa again (budget 20 €); the draw is on 1 December.

Chloé`)
	g.note(fInbox, jurgen, []*person{owner, noah, oskar}, nil, "Heads-up: cache schema refactoring next week", at(locParis, 2026, 11, 19, 17, 45), `Hi,

Next week I'll start splitting the messages table into messages + message_bodies, so that flag updates don't rewrite the big rows. The migration is online (new table, backfill, switch), but expect some churn in store/ for a few days.

Please hold off on larger changes there until it's merged, or ping me first.

Jürgen`)
	g.note(fTrash, marco, []*person{owner, priya, tomas}, nil, "Lunch at the new ramen place?", at(locParis, 2026, 3, 3, 11, 48), `Anyone up for the new ramen place on rue Mercière at 12:30? They open today, apparently there's a 20 % discount.

Marco`)

	// Archive/2025.
	g.note(fArchive, camille, devs, nil, "Welcome back! + priorities for Q4", at(locParis, 2025, 9, 29, 9, 0), `Bonjour à tous, welcome back from the holidays!

Priorities until the end of the year:
1. Ship 0.7 with the new settings page (due 20 October).
2. Nordwind upgrade in November.
3. Prepare the office move (Sophie will send details).

Let's keep Friday afternoons free of meetings in Q4.

Camille`)
	g.note(fArchive, noah, devs, nil, "Postgres upgrade on staging tonight", at(locParis, 2025, 10, 14, 16, 20), `Hi,

I'll upgrade the staging database from Postgres 16 to 17 tonight at 20:00. Staging will be down for about an hour. Production follows next Tuesday if nothing explodes.

Noah`)
	g.note(fArchive, priya, []*person{owner, camille}, nil, "User interview notes (batch 2)", at(locParis, 2025, 10, 30, 17, 10), `Hi both,

Notes from the second batch of user interviews (6 people, mostly office staff at customers) are attached. Highlights:

- Search is the first thing everyone tries, and the first thing that disappoints.
- Nobody understands the difference between Archive and "Mark as read + move".
- 4 of 6 want a conversation view.

Priya`, att{name: "interviews-batch2.txt", ctype: "text/plain; charset=utf-8", data: []byte("User interviews, batch 2 (October 2025)\n\nP7 - office manager, Nordwind\n  - uses search daily, 'never finds anything older than a year'\n  - wants threads\nP8 - accountant\n  - archives everything manually into folders per client\nP9 - sales\n  - mobile first, big attachments\nP10 - support agent\n  - shared mailbox, needs to see who answered\nP11 - CEO of a small firm\n  - 'why does the newsletter know I opened it?'\nP12 - developer\n  - keyboard shortcuts, plain text view\n")})
	g.note(fArchive, sophie, all, nil, "Entretiens annuels : planning", at(locParis, 2025, 11, 3, 10, 0), `Bonjour à tous,

Les entretiens annuels auront lieu entre le 24 novembre et le 12 décembre. Vos managers vous enverront une invitation ; merci de remplir l'auto-évaluation dans l'outil RH au moins deux jours avant.

Sophie`)
	benchCSV := "parser,messages,bytes,ns_per_op,allocs_per_op\ngo-imap v1,10000,41234112,182311,412\ngo-imap v2,10000,41234112,97420,188\ngo-imap v2 + pooled buffers,10000,41234112,81233,61\n"
	g.note(fArchive, jurgen, devs, nil, "Benchmark: go-imap v2 vs v1 parser", at(locParis, 2025, 11, 20, 14, 0), `Hi,

I benchmarked the FETCH response parsing of go-imap v1 and v2 on our 10k-message test mailbox. v2 is almost twice as fast and allocates far less. Numbers attached.

I propose we finish the migration in Q1.

Jürgen`, att{name: "parser-bench.csv", ctype: "text/csv", data: []byte(benchCSV)})
	g.note(fArchive, tomas, all, nil, "Secret Santa 🎅 – the draw is done", at(locParis, 2025, 12, 9, 12, 0), `¡Hola elfos!

The Secret Santa draw is done; you should have received your person in a separate email from the drawing tool. Budget: 20 €. Presents under the tree by Thursday 18 December, opening at the party on Friday.

Tomás`)
	g.note(fArchive, camille, all, nil, "Merci pour cette année ! + holiday schedule", at(locParis, 2025, 12, 19, 16, 30), `Hello everyone,

Before the break, a huge thank you for this year: 0.7 shipped, Nordwind upgraded, and we moved offices without losing a single plant.

The office is closed from 24 December to 2 January. On-call: Noah (24-28 Dec), Jürgen (29 Dec-2 Jan).

Joyeuses fêtes !
Camille`)
	_ = r
}

func (g *gen) family() {
	r := g.r.fork("family")
	g.note(fInbox, chris, []*person{owner}, nil, "Mum's 70th – ideas?", at(locLondon, 2026, 1, 18, 20, 12), `Hey,

Mum turns 70 in April (as if you'd forget). I was thinking of a weekend in Cornwall, all of us, same cottage as in 2019? Or we book the boat trip she keeps talking about.

Thoughts? Budget-wise I can do up to £400.

C`)
	g.note(fInbox, zoe, []*person{owner}, nil, "Parkrun this Saturday?", at(locParis, 2026, 2, 11, 19, 2), `Hi Alex!

Parkrun at the Parc de la Tête d'Or this Saturday? 9:00 start, coffee and croissants afterwards as usual. I'm trying to get under 25 minutes before the 10k in spring 🏃‍♀️

Zoë`)
	g.note(fInbox, mum, []*person{owner}, nil, "Recipe: Grandma's lemon drizzle", at(locLondon, 2026, 3, 8, 16, 40), `Hello love,

Here's the lemon drizzle recipe you asked for, exactly as Grandma wrote it:

225g butter, softened
225g caster sugar
4 eggs
225g self-raising flour
zest of 1 lemon

Drizzle: juice of 1.5 lemons and 85g caster sugar

Bake at 180C (160 fan) for 45-50 minutes. Pour the drizzle over while it's still warm, that's the secret.

Lots of love,
Mum`)
	g.note(fInbox, chris, []*person{owner, mum}, nil, "Happy Easter!! 🐣", at(locLondon, 2026, 4, 5, 10, 22), `Happy Easter from the three of us! Lily found all 14 eggs in 6 minutes, a new family record.

Photo attached. Call later?`, att{name: "PXL_20260405_091533.jpg", ctype: "image/jpeg", data: makePhotoJPEG(r.fork("easter"), 320, 240)})
	g.note(fInbox, helene, []*person{owner}, nil, "Merci pour le week-end !", at(locParis, 2026, 6, 16, 21, 30), `Coucou Alex,

Encore merci pour ce super week-end ! Le bouchon était parfait et la montée à Fourvière nous a achevés, mais la vue valait le coup.

Je t'envoie la photo prise sur l'esplanade. Julien dit qu'il revient quand tu veux pour la revanche au baby-foot.

Bises,
Hélène`, att{name: "Week-end à Lyon – la vue depuis l’esplanade de Fourvière.jpg", ctype: "image/jpeg", data: makePhotoJPEG(r.fork("fourviere"), 320, 240)})
	// Apple Mail with an inline photo in multipart/related.
	racePhoto := makePhotoJPEG(r.fork("race"), 320, 240)
	raceText := `Hi Alex,

Found us in the official race photos! You look far too relaxed for kilometre 8.

Same again next year? I'm already registered 😅

Zoë`
	raceHTML := `<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;"><div>Hi Alex,</div><div><br></div><div>Found us in the official race photos! You look far too relaxed for kilometre 8.</div><div><br></div><div><img src="cid:5C1F0B2E-7D33-4A8E-9B61-2F4C8E0A1D77@home" alt="race.jpg" width="320" height="240"></div><div><br></div><div>Same again next year? I'm already registered 😅</div><div><br></div><div>Zoë</div></body></html>
`
	g.add(fInbox, &email{from: zoe, to: []*person{owner}, subject: "Race photos from the Lyon 10k", date: at(locParis, 2026, 8, 23, 18, 5),
		text: raceText, html: raceHTML, incoming: true, delivery: g.delivery(r),
		files: []att{{name: "race.jpg", ctype: "image/jpeg", data: racePhoto, cid: "5C1F0B2E-7D33-4A8E-9B61-2F4C8E0A1D77@home"}}})
	g.note(fInbox, mum, []*person{owner, chris}, nil, "Christmas plans", at(locLondon, 2026, 10, 11, 11, 3), `Hello both,

I know it's early but your dad wants to order the turkey. Are you both coming for Christmas this year? Alex, will you come on the 23rd again?

Chris, can Lily have the small room this time, she says she's too big for the camp bed.

Love,
Mum`)
	g.note(fInbox, chris, []*person{owner}, nil, "Fantasy football league – you're last 😂", at(locLondon, 2026, 11, 2, 22, 48), `Just saying. 12th out of 12. Even Dad is above you and he picked two goalkeepers who don't play.

Transfer deadline is Friday, you might want to do something about your midfield.`)
	g.note(fInbox, helene, []*person{owner}, nil, "Anniversaire de Julien - surprise le 5 décembre", at(locParis, 2026, 11, 15, 20, 10), `Salut Alex,

Chut, c'est une surprise : pour les 40 ans de Julien, on organise une soirée le samedi 5 décembre à Paris, à partir de 19 h, chez nous.

Tu pourrais venir ? Si tu as besoin d'un lit, le canapé est à toi. Ne dis rien à Julien !

Bises,
Hélène`)

	g.note(fArchive, mum, []*person{owner, chris}, nil, "Photos from Cornwall", at(locLondon, 2025, 10, 19, 17, 30), `Hello both,

Back from Cornwall. The weather was kind to us for once! A couple of pictures from St Ives.

Love,
Mum`, att{name: "IMG_3310.jpeg", ctype: "image/jpeg", data: makePhotoJPEG(r.fork("cornwall1"), 320, 240)},
		att{name: "IMG_3327.jpeg", ctype: "image/jpeg", data: makePhotoJPEG(r.fork("cornwall2"), 320, 240)})
	g.note(fArchive, zoe, []*person{owner}, nil, "Thanks for the book!", at(locParis, 2025, 11, 9, 12, 20), `Alex, thank you so much for the book! I started it on the train and almost missed my stop. You know me too well.

Zoë`)
	g.note(fArchive, chris, []*person{owner}, nil, "Flight times for Christmas?", at(locLondon, 2025, 12, 14, 9, 12), `When do you land? I can pick you up at St Pancras if you're coming on the Eurostar, otherwise Heathrow is a nightmare on the 22nd.`)
	g.note(fArchive, helene, []*person{owner}, nil, "Joyeux Noël !", at(locParis, 2025, 12, 24, 18, 45), `Joyeux Noël Alex ! On pense bien à toi. Profite bien de ta famille en Angleterre et à l'année prochaine à Lyon !

Hélène & Julien`)
}

func (g *gen) clients() {
	r := g.r.fork("clients")
	g.note(fInbox, yamada, []*person{owner}, nil, "謹賀新年", at(locTokyo, 2026, 1, 5, 9, 30), `Lumen Systems
Alex Morgan 様

新年あけましておめでとうございます。
旧年中は格別のご高配を賜り、厚く御礼申し上げます。

本年も昨年同様、よろしくお願い申し上げます。
皆様のご健康とご多幸を心よりお祈り申し上げます。

Happy New Year!`)
	g.note(fInbox, bjorn, []*person{owner}, []*person{gunther}, "Protokoll unseres Termins vom 16.02.", at(locBerlin, 2026, 2, 17, 14, 5), `Hallo Herr Morgan,

anbei wie besprochen das Protokoll unseres Termins von gestern. Bitte prüfen Sie vor allem Punkt 3 („Migration der Archivpostfächer“) – dort bin ich mir beim Zeitplan nicht ganz sicher.

Mit freundlichen Grüßen`, att{name: "Protokoll_2026-02-16_Nordwind_Lumen.pdf", ctype: "application/pdf", data: makePDF("Protokoll Nordwind / Lumen, 16.02.2026", at(locBerlin, 2026, 2, 17, 13, 0), []string{
		"Teilnehmer: B. Schaefer, G. Weiss (Nordwind), A. Morgan (Lumen)", "1. Status Upgrade 0.7: abgeschlossen, keine offenen Punkte",
		"2. Performance Ordnerliste: Workaround aktiv, Fix in 0.8", "3. Migration der Archivpostfaecher: Start KW 14, Dauer ca. 3 Wochen",
		"4. Naechster Termin: Mai 2026"})})
	g.note(fInbox, anne, []*person{owner}, nil, "Rechnung 2026-0042 - Zahlungseingang", at(locBerlin, 2026, 3, 10, 10, 40), `Sehr geehrter Herr Morgan,

wir haben Ihre Rechnung Nr. 2026-0042 über 1.450,00 € erhalten. Die Zahlung wurde heute angewiesen und sollte in 2-3 Werktagen auf Ihrem Konto eingehen.

Bitte geben Sie auf künftigen Rechnungen unsere neue Bestellnummer (BE-2026-117) an.

Mit freundlichen Grüßen`)
	g.note(fInbox, giorgos, []*person{owner}, nil, "Greek translation volunteers", at(locAthens, 2026, 5, 12, 11, 15), `Hi Alex,

Two colleagues of mine offered to translate the mailaccess UI into Greek in their spare time. Is there a translation platform we should use, or do you prefer pull requests with the .po files?

Ευχαριστώ,
Γιώργος`)
	g.note(fInbox, eleni, []*person{owner}, nil, "Athens Data Days – speaker information pack", at(locAthens, 2026, 1, 26, 12, 0), `Dear Alex,

Attached is the speaker information pack: venue, AV setup, the speakers' dinner on Thursday 19 March, and how to claim your travel expenses.

Please send us your slides (PDF or PPTX) by 13 March.

Best wishes,
Ελένη`, att{name: "ADD2026-speaker-pack.pdf", ctype: "application/pdf", data: makePDF("Athens Data Days 2026 - Speaker information", at(locAthens, 2026, 1, 26, 11, 0), []string{
		"Venue: Technopolis, Pireos 100, Athens", "Your talk: Friday 20 March, 14:30, Hall B (30 min incl. Q&A)",
		"AV: HDMI and USB-C, clicker provided", "Speakers' dinner: Thursday 19 March, 20:30, Plaka",
		"Travel expenses: up to 400 EUR, receipts by 30 April"})})
	g.note(fInbox, suzuki, []*person{owner}, nil, "Question about IMAP IDLE timeouts", at(locTokyo, 2026, 9, 3, 10, 20), `Hi Alex,

Quick technical question: our firewall drops idle TCP connections after 10 minutes. How often does mailaccess re-issue IDLE? RFC 2177 says clients should re-issue it at least every 29 minutes, which would be too long for us.

Is the interval configurable?

Best regards,
Ichiro Suzuki`)
	g.note(fInbox, anabelen, []*person{owner}, []*person{mariajose}, "Seguimiento: propuesta económica", at(locMadrid, 2026, 6, 2, 9, 50), `Hola Alex,

¿Cómo va la propuesta económica? María José la necesita antes del comité del día 15 para poder aprobar el presupuesto del segundo semestre.

¡Gracias!
Ana Belén`)
	g.note(fInbox, dmitri, []*person{owner}, nil, "Счёт за октябрь", at(locMoscow, 2026, 11, 3, 10, 10), `Добрый день, Алекс!

Направляю счёт N 2026-10 за октябрь. Итого к оплате: 1 850 EUR.

С уважением,
Дмитрий`, att{name: "Счёт_2026-10.pdf", ctype: "application/pdf", data: makePDF("Invoice 2026-10", at(locMoscow, 2026, 11, 2, 17, 0), []string{
		"Volga Soft LLC, Kazan", "Customer: Lumen Systems SAS, Lyon", "Contract 14/2025", "Hours: 37 x 50.00 EUR", "Total: 1,850.00 EUR"})})

	g.note(fArchive, gunther, []*person{owner}, nil, "Frohe Weihnachten und ein gutes neues Jahr", at(locBerlin, 2025, 12, 18, 15, 0), `Sehr geehrter Herr Morgan,

zum Jahresende möchte ich mich im Namen der gesamten Nordwind GmbH für die gute Zusammenarbeit bedanken. Wir wünschen Ihnen und Ihrem Team frohe Weihnachten und einen guten Start ins neue Jahr!

Mit freundlichen Grüßen`)
	g.note(fArchive, bjorn, []*person{owner}, nil, "Ausfall am Wochenende – Ursache?", at(locBerlin, 2025, 10, 8, 8, 15), `Hallo Herr Morgan,

am Samstag zwischen 14:10 und 15:40 Uhr war der Webmailer für unsere Mitarbeiter nicht erreichbar („502 Bad Gateway“). Können Sie uns die Ursache nennen und sagen, ob Maßnahmen geplant sind?

Mit freundlichen Grüßen`)
	po := "# Russian translation of mailaccess.\nmsgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Language: ru\\n\"\n\nmsgid \"Inbox\"\nmsgstr \"Входящие\"\n\nmsgid \"Sent\"\nmsgstr \"Отправленные\"\n\nmsgid \"Drafts\"\nmsgstr \"Черновики\"\n\nmsgid \"Junk\"\nmsgstr \"Спам\"\n\nmsgid \"Trash\"\nmsgstr \"Корзина\"\n\nmsgid \"Archive\"\nmsgstr \"Архив\"\n\nmsgid \"Reply all\"\nmsgstr \"Ответить всем\"\n\nmsgid \"%d unread messages\"\nmsgstr \"Непрочитанных писем: %d\"\n"
	g.note(fArchive, olga, []*person{owner}, []*person{dmitri}, "Первый вариант перевода", at(locMoscow, 2025, 11, 12, 16, 0), `Здравствуйте, Алекс!

Во вложении первый вариант перевода основных строк интерфейса (около 15 %). Буду рада замечаниям.

С уважением,
Ольга`, att{name: "mailaccess.ru.po", ctype: "text/x-gettext-translation; charset=utf-8", data: []byte(po)})
	_ = r
}

func (g *gen) listPosts() {
	type post struct {
		folder string
		from   *person
		d      time.Time
		subj   string
		text   string
	}
	posts := []post{
		{fInbox, kenji, at(locTokyo, 2026, 1, 14, 21, 3), "Question: OAuth2 with Microsoft 365 and XOAUTH2", `Hi all,

Has anyone got mailaccess working against Microsoft 365 with OAuth2? The docs mention XOAUTH2, but I get "AUTHENTICATE failed" right after the token is sent. The same token works with Thunderbird.

Tenant is single-org, the app registration has IMAP.AccessAsUser.All.

Kenji`},
		{fInbox, noah, at(locParis, 2026, 2, 9, 11, 0), "[ANN] mailaccess 0.8.0 released", `Hi all,

mailaccess 0.8.0 is out. Highlights:

* UIDPLUS is now required (see ADR-0012).
* New settings page with per-account signatures.
* IDLE reconnect is much more robust on flaky networks.
* 31 bugs fixed, including the "draft saved twice" issue.

Upgrade notes: https://forge.example/lumen/mailaccess/releases/tag/v0.8.0

Thanks to the 14 contributors of this release!

Noah`},
		{fInbox, rahel, at(locLondon, 2026, 3, 30, 18, 0), "Weekly triage summary (week 13)", `Triage for week 13:

- 9 new issues, 7 triaged, 2 need info
- 3 good-first-issue labels added (#201, #204, #207)
- #198 (duplicate folders with Exchange) looks like a server bug, we asked for a protocol log

Thanks to everyone who helped reproduce #196!

Rahel`},
		{fInbox, pavel, at(locBerlin, 2026, 4, 22, 22, 15), "Patch: handle BODYSTRUCTURE with empty boundary", `Hi,

Some messages from an old mailing-list archive have "boundary=" with an empty value. The server then returns a BODYSTRUCTURE that our parser rejects, and the whole FETCH fails.

The patch below treats an empty boundary like a missing one and shows the part as text/plain:

    if boundary == "" {
        return singlePart(hdr), nil
    }

PR: https://forge.example/lumen/mailaccess/pulls/212

Pavel`},
		{fInbox, ines, at(locLondon, 2026, 5, 25, 20, 40), "Translation status: pt-PT at 92 %", `Olá a todos,

The European Portuguese translation is at 92 %. What is left are mostly the admin console strings, which change often. Could we freeze them a week before the next release?

Inês`},
		{fInbox, amara, at(locLondon, 2026, 6, 30, 9, 30), "Docker image size went from 38 MB to 210 MB?", `Hi,

After upgrading to 0.8.3 the container image is 210 MB instead of 38 MB. Looks like the base image changed from distroless to a full Debian. Was that on purpose?

Amara`},
		{fInbox, jurgen, at(locParis, 2026, 8, 26, 10, 0), "Heads-up: cache schema v7 migration is slow on Postgres", `Hi all,

If you run mailaccess on Postgres with more than ~5 million cached messages, the v7 migration (new index on messages(mailbox_id, modseq)) can take a long time and blocks writes.

Workaround until 0.9.1: create the index CONCURRENTLY before upgrading:

    CREATE INDEX CONCURRENTLY messages_mailbox_modseq_idx ON messages (mailbox_id, modseq);

The migration then skips it.

Jürgen`},
		{fInbox, kenji, at(locTokyo, 2026, 9, 17, 22, 10), "Idea: show List-Unsubscribe as a button", `Hi,

Gmail and Apple Mail show an "Unsubscribe" button for messages with List-Unsubscribe. Would a PR be welcome? I'd only offer it for messages that also have List-Unsubscribe-Post (RFC 8058), so it's a one-click POST and we never open a web page on the user's behalf.

Kenji`},
		{fInbox, noah, at(locParis, 2026, 9, 30, 10, 30), "[ANN] mailaccess 0.9.0 released", `Hi all,

mailaccess 0.9.0 is out, with the new thread view, remote image blocking and better handling of localized special folders.

Known issue: the attachment preview overlaps the reply button in Safari on narrow screens (#231).

Release notes: https://forge.example/lumen/mailaccess/releases/tag/v0.9.0

Noah`},
		{fInbox, rahel, at(locLondon, 2026, 11, 11, 12, 0), "Call for talks: FOSDEM 2027 e-mail devroom", `Hi all,

The FOSDEM 2027 e-mail devroom CFP is open until 1 December. Talks about mailaccess, IMAP, JMAP, and anything mail-related are welcome. 20-minute slots.

Submit here: https://pretalx.example/fosdem-2027-email/cfp

Rahel`},
		{fArchive, noah, at(locParis, 2025, 9, 24, 16, 0), "Moving the list to Mailman 3", `Hi all,

This list moves to Mailman 3 this Friday. Your subscription is migrated automatically. The archive will be at https://lists.lumen.example/archives/list/lumen-dev@lists.lumen.example/

Noah`},
		{fArchive, pavel, at(locBerlin, 2025, 10, 15, 20, 30), "Czech translation (cs) ready for review", `Ahoj,

The Czech translation is complete. Could a maintainer review and merge it? Special characters like "Koš" (Trash) and "Odeslaná pošta" (Sent) look fine in my local build.

Pavel Novák`},
		{fArchive, kenji, at(locTokyo, 2025, 11, 5, 22, 45), "Benchmark: IDLE vs NOTIFY", `Hi,

I compared IDLE on 20 folders (20 connections) with NOTIFY on one connection against Dovecot 2.3:

- IDLE: 20 TCP connections, ~2.1 MB RSS on the server side
- NOTIFY: 1 connection, ~0.3 MB, updates arrive within 50 ms

Unfortunately only Dovecot implements NOTIFY among the servers I tested.

Kenji`},
		{fArchive, rahel, at(locLondon, 2025, 11, 25, 18, 0), "Weekly triage summary (week 48)", `Triage for week 48: 6 new issues, all triaged. Most reports this week are about the new settings page; see the "settings" label.

Rahel`},
		{fArchive, amara, at(locLondon, 2025, 12, 10, 10, 5), "Release schedule over the holidays?", `Hi,

Will there be a release before the holidays? We'd like to plan our upgrade window accordingly.

Amara`},
	}
	for _, p := range posts {
		g.listPost(p.folder, p.from, p.subj, p.d, p.text)
	}
}

// sent: the owner's own messages that are not part of a thread above.
func (g *gen) sent() {
	r := g.r.fork("sent")
	expenses := "date;category;description;amount_eur\n2026-09-22;train;Lyon - Hamburg;189.40\n2026-09-22;hotel;Hotel Alster (2 nights);238.00\n2026-09-23;meal;Customer dinner Nordwind (4 pers.);64.50\n2026-09-24;taxi;Nordwind - Hbf;27.80\n2026-09-24;train;Hamburg - Lyon;176.10\n"
	g.note("", owner, []*person{sophie}, nil, "Expense report: Hamburg, 22–24 September", at(locParis, 2026, 9, 28, 17, 30), `Hi Sophie,

Here is my expense report for the Nordwind visit in Hamburg. The receipts are in the envelope on your desk.

Total: 695.80 €.

Thanks,
Alex`, att{name: "expenses-hamburg-2026-09.csv", ctype: "text/csv", data: []byte(expenses)})
	g.note("", owner, []*person{mum}, []*person{chris}, "Some photos from Lyon", at(locParis, 2026, 4, 26, 19, 0), `Hi Mum,

As promised, some photos from the Fête des Lumières rehearsal and the view from my balcony. The weather has been lovely, 22 degrees today.

Love,
Alex`, att{name: "balcony.jpg", ctype: "image/jpeg", data: makePhotoJPEG(r.fork("balcony"), 320, 240)})
	g.note("", owner, []*person{chris}, nil, "Happy birthday! 🎂", at(locParis, 2026, 7, 14, 8, 2), `Happy birthday, big brother! Have a great day, and don't let Lily eat all the cake.

Your present should arrive tomorrow, the post here is slower than promised.

A`)
	g.note("", owner, []*person{zoe}, nil, "Lyon 10k – registered!", at(locParis, 2026, 3, 1, 21, 30), `Done, I'm registered for the 10k on 23 August. Training plan starts Monday, please remind me of that when I complain in June.

Alex`)
	g.note("", owner, []*person{camille}, nil, "Topics for our 1:1", at(locParis, 2026, 5, 11, 18, 20), `Hi Camille,

For tomorrow, on my side:

- I'd like to mentor Oskar when he joins.
- The search spike: first results, and a proposal for the next step.
- Conference budget for FOSDEM 2027.

Alex`)
	g.note("", owner, []*person{jurgen}, []*person{noah}, "On-call handover: week 23", at(locParis, 2026, 6, 8, 9, 45), `Hi Jürgen,

Quiet week, two things only:

- Wednesday: certificate renewal for imap.lumen.example failed once (rate limit), succeeded on retry. OPS-352 to add alerting.
- Friday: a customer hit the 50 MB APPEND limit with a PDF; I raised it to 75 MB for them (config in their tenant).

Alex`)
	g.note("", owner, []*person{priya}, nil, "Feedback on the new icons", at(locParis, 2026, 4, 15, 16, 5), `Hi Priya,

I really like the new icon set. Two small things:

- The "archive" and "move" icons are hard to tell apart at 16 px.
- The junk icon (the little bin with an exclamation mark) reads as "delete" to me.

Everything else: ship it!

Alex`)
	g.note("", owner, []*person{bjorn}, []*person{gunther}, "Zusammenfassung unseres Termins / meeting summary", at(locParis, 2026, 5, 20, 16, 40), `Hallo Herr Schäfer,

thank you for today's meeting. A short summary is attached; the main points:

1. The archive migration finished on 30 April, all 212 mailboxes verified.
2. The performance issue with the folder list is fixed in 0.8.2, which we will install on 3 June.
3. Next meeting: September, about the 2027 contract.

Mit freundlichen Grüßen / Best regards,
Alex Morgan`, att{name: "Meeting-summary-2026-05-20.pdf", ctype: "application/pdf", data: makePDF("Meeting summary Nordwind / Lumen, 2026-05-20", at(locParis, 2026, 5, 20, 16, 0), []string{
		"1. Archive migration finished 2026-04-30 (212 mailboxes verified)", "2. Folder list performance: fixed in 0.8.2, installation 2026-06-03",
		"3. Next meeting: September 2026 (contract 2027)"})})
	g.reply("[lumen-dev] Idea: show List-Unsubscribe as a button", owner, []*person{lumenDev.p}, nil, at(locParis, 2026, 9, 18, 9, 12), `Kenji, yes please! Restricting it to RFC 8058 one-click is exactly right. Please put the POST behind a confirmation dialog, and never follow mailto: variants automatically.

Alex`)
	g.reply("謹賀新年", owner, []*person{yamada}, []*person{hanako}, at(locParis, 2026, 1, 6, 9, 10), `Dear Yamada-san,

Thank you very much for your kind New Year greetings. あけましておめでとうございます！

I wish you and everyone at Sakura Shōji a healthy and successful 2026, and I look forward to continuing our work together.

Best regards,
Alex Morgan`)
	g.note("", owner, []*person{helene}, nil, "Les photos du week-end", at(locParis, 2026, 6, 15, 20, 0), `Coucou Hélène,

Voici les photos du week-end, dont celle du bouchon où Julien tient fièrement son tablier de sapeur.

Bises à vous deux,
Alex`, att{name: "bouchon.jpg", ctype: "image/jpeg", data: makePhotoJPEG(r.fork("bouchon"), 320, 240)})
	docs := makeZip(at(locParis, 2026, 1, 20, 10, 0),
		[2]string{"2025/releve-bancaire-2025.txt", "Releve annuel 2025 - compte professionnel\nSolde au 31/12/2025: 8 412,55 EUR\n"},
		[2]string{"2025/factures-clients.csv", "numero;client;montant_ht\nF2025-01;Nordwind GmbH;4200.00\nF2025-02;Iberia Digital;1800.00\nF2025-03;Aegean Analytics;950.00\n"},
		[2]string{"2025/LISEZMOI.txt", "Documents pour le bilan 2025. Les originaux papier suivent par courrier.\n"})
	g.note("", owner, []*person{francois}, nil, "Documents pour le bilan 2025", at(locParis, 2026, 1, 20, 11, 30), `Bonjour Monsieur Géraud,

Veuillez trouver ci-joint les documents pour le bilan 2025 (archive ZIP : relevé annuel, liste des factures clients).

Bien cordialement,
Alex Morgan`, att{name: "Relevé 2025.zip", ctype: "application/zip", data: docs})
	g.note("", owner, []*person{eleni}, nil, "Slides for Friday's talk", at(locParis, 2026, 3, 12, 22, 40), `Dear Eleni,

Please find my slides attached, one day ahead of the deadline for once. There may be a last-minute change to the benchmark slide; I'll bring the final version on a USB stick as well.

See you next week in Athens!
Alex`, att{name: "IMAP-at-scale-ADD2026.pdf", ctype: "application/pdf", data: makePDF("IMAP at scale: what 2 million mailboxes taught us about caching", at(locParis, 2026, 3, 12, 22, 0), []string{
		"1. Why cache IMAP at all?", "2. UIDs, UIDVALIDITY and the lies servers tell", "3. CONDSTORE and QRESYNC in practice",
		"4. When the server changes under you: EXPUNGE, MOVE, renames", "5. Testing against 14 server implementations", "6. Numbers: 2.1M mailboxes, 3.4B messages, p99 sync 1.8 s",
		"7. Lessons learned", "Thank you! alex.morgan@lumen.example"})})
	g.reply("Greek translation volunteers", owner, nil, nil, at(locParis, 2026, 5, 12, 17, 2), `Hi Giorgos,

That's great news, thank you! We use the Weblate instance at https://translate.lumen.example; I've created accounts for your colleagues (invitations are on their way). Pull requests with .po files work too, but Weblate avoids merge conflicts.

Alex`)
	g.note("", owner, []*person{tomas}, nil, "Repro for the duplicate Drafts folder", at(locParis, 2026, 9, 29, 10, 20), `Hi Tomás,

I can reproduce the duplicate Drafts issue on my Dovecot test account too. Screenshot attached: the left panel shows "Drafts" pinned and "Entwürfe" again under "Folders".

Steps: create a user with the German locale, log in once, switch the UI language to English.

Alex`, att{name: "duplicate-drafts.png", ctype: "image/png", data: makeMockupPNG(r.fork("dup"), 480, 300, color.RGBA{220, 53, 69, 255})})
	g.note("", owner, []*person{jurgen}, nil, "Review: store: add modseq column", at(locParis, 2026, 11, 5, 14, 30), `Hi Jürgen,

Reviewed your PR, mostly small things:

- The migration must also backfill modseq=0 for existing rows, otherwise the NOT NULL fails on large tables.
- In FlagsSince() we should order by modseq, not by uid; a later STORE can touch an older UID.
- A test with a UIDVALIDITY change in the middle of a CHANGEDSINCE sync would be great.

Otherwise looks good!
Alex`)
	g.note("", owner, []*person{dmitri}, nil, "Contract extension for 2027", at(locParis, 2026, 10, 20, 11, 0), `Hello Dmitri,

We would like to extend contract 14/2025 for 2027 under the same conditions, with about 40 hours per month for translation and localisation (Russian and Ukrainian).

Could you send us an updated offer by mid-November?

Best regards,
Alex`)
	g.note("", owner, []*person{olga}, []*person{dmitri}, "Review of settings.ru.po", at(locParis, 2026, 8, 10, 15, 45), `Hello Olga,

I had the file checked by a Russian-speaking customer; they only had three remarks (comments in the file, search for "REVIEW"). The rest reads very naturally, thank you!

Alex`)
	g.note("", owner, []*person{kenji}, nil, "Thanks for the NOTIFY benchmark", at(locParis, 2025, 11, 6, 10, 5), `Hi Kenji,

Thanks for the benchmark on the list, very useful. Would you be up for a short call about a NOTIFY-based sync mode behind a feature flag? I think Dovecot alone covers enough of our users to make it worthwhile.

Alex`)
	g.note("", owner, []*person{anabelen}, []*person{mariajose}, "Propuesta económica – mailaccess para Iberia Digital", at(locParis, 2026, 6, 3, 12, 0), `Hola Ana Belén, estimada María José,

Please find our proposal attached: reseller licence for up to 1,500 mailboxes, white-labelling, Spanish and Catalan UI, and deployment support for your Kubernetes cluster.

I'm happy to go through it in a call before your committee on the 15th.

Un saludo,
Alex`, att{name: "Propuesta-Lumen-Iberia-Digital-2026.pdf", ctype: "application/pdf", data: makePDF("Propuesta economica - Lumen Systems para Iberia Digital", at(locParis, 2026, 6, 3, 11, 0), []string{
		"Licencia revendedor: hasta 1.500 buzones", "Marca blanca incluida", "Idiomas: espanol, catalan, ingles, frances",
		"Despliegue: soporte para Kubernetes (Helm chart), 3 dias", "Precio: 1,10 EUR / buzon / mes", "Soporte: 8x5, respuesta en 4 horas laborables"})})
	g.note("", owner, []*person{camille}, nil, "Congés du 21 au 31 décembre", at(locParis, 2026, 10, 29, 9, 20), `Hi Camille,

I'd like to take holidays from 21 to 31 December (7 working days). I've checked the on-call rota: Noah covers that period.

Thanks!
Alex`)
	g.note("", owner, []*person{sophie}, nil, "New laptop request", at(locParis, 2026, 2, 16, 14, 0), `Hi Sophie,

My laptop's battery now lasts about 40 minutes, and the keyboard is missing an "e" (which is unfortunate for someone who writes English and French all day). Could we order a replacement? IT says the standard developer model is fine.

Thanks,
Alex`)
	g.note("", owner, []*person{rahel}, nil, "FOSDEM talk idea", at(locParis, 2026, 11, 12, 20, 15), `Hi Rahel,

Thanks for organising the devroom again! I'm thinking of submitting "Testing a webmail against hostile email", about the corpus of broken and malicious messages we use in CI. Would that fit?

Alex`)
	g.reply("Christmas plans", owner, []*person{mum}, []*person{chris}, at(locParis, 2026, 10, 12, 10, 0), `Hi Mum,

Yes, I'm coming on the 23rd again: Eurostar to St Pancras, arriving at 14:39, then the train to Guildford. I'll stay until the 28th.

Tell Dad a 5 kg turkey is plenty!

Love,
Alex`)
	g.note("", owner, []*person{zoe}, nil, "Parkrun?", at(locParis, 2025, 12, 4, 19, 30), `Hi Zoë, parkrun on Saturday? I need to run off some Christmas market vin chaud.

Alex`)
}

// drafts: unfinished messages in Drafts, all with \Draft.
func (g *gen) drafts() {
	r := g.r.fork("drafts")
	add := func(e *email) {
		e.from = owner
		e.draft = true
		e.text += sigBlock(owner)
		m := g.add(fDrafts, e)
		m.seen = 1
	}
	add(&email{to: []*person{camille}, subject: "Objectives 2027 – my proposals", date: at(locParis, 2026, 11, 18, 22, 10),
		text: "Hi Camille,\n\nAhead of our 1:1 on Tuesday, my proposals for 2027:\n\n1. Ship the sync engine rewrite (CONDSTORE/QRESYNC)\n2. Mentor Oskar through his first on-call rotation\n3. \n\n"})
	// A reply in progress: quoted text already in place, the answer unfinished.
	parent := g.find("Heads-up: cache schema refactoring next week")
	reply := &email{from: owner, draft: true, to: []*person{jurgen}, cc: []*person{noah, oskar},
		subject: replySubject(owner.mua, parent.e.subject), inReply: parent.id, refs: []string{parent.id},
		date: at(locParis, 2026, 11, 20, 8, 55),
		text: composeReply(owner, parent, "Sounds good. One question before you start: do we keep the old table around for one release so that we can roll back, or")}
	g.add(fDrafts, reply).seen = 1
	add(&email{to: []*person{helene}, subject: "", date: at(locParis, 2026, 11, 16, 8, 5),
		text: "Salut Hélène,\n\nBien sûr que je viens pour Julien ! Je pensais arriver"})
	add(&email{to: []*person{rahel}, subject: "Talk abstract: Testing a webmail against hostile email", date: at(locParis, 2026, 11, 19, 23, 40),
		text:  "Abstract (draft):\n\nEvery webmail renders mail written by strangers. We collected hundreds of broken and malicious messages (scripts in SVG, 40-level MIME nesting, NUL bytes, unknown charsets, 100 KB header lines) and run them through our sanitizer and parser on every commit. This talk shows the corpus, the bugs it found, and how to build one for your own project.\n\nTODO: numbers, demo",
		files: []att{{name: "outline.txt", ctype: "text/plain; charset=utf-8", data: []byte("1. Why hostile mail\n2. The corpus\n3. Bugs found\n4. Demo\n5. Build your own\n")}}})
	add(&email{to: []*person{lumenDev.p}, subject: "Proposal: drop support for IMAP4rev1-only servers without ENABLE", date: at(locParis, 2026, 11, 10, 21, 0),
		text: "Hi all,\n\nFollowing the UIDPLUS discussion last March, I'd like to propose the next step: require ENABLE (RFC 5161) so that we can turn on CONDSTORE and UTF8=ACCEPT unconditionally.\n\n[check telemetry numbers with Noah before sending]"})
	add(&email{subject: "Things to mention at the all-hands", date: at(locParis, 2026, 11, 11, 7, 55),
		text: "- thank Tomás for the bug bash\n- Athens talk video is online\n- ask about the FOSDEM budget\n- plants: volunteer for watering in December?"})
	_ = r
}

// find returns the first generated message with exactly this subject.
func (g *gen) find(subject string) *mail {
	for _, m := range g.mails {
		if m.e.subject == subject {
			return m
		}
	}
	return nil
}
