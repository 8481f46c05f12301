package main

import (
	"fmt"
	"strings"
	"time"
)

// mua describes the habits of one mail client: charsets, encodings, reply
// prefixes, quoting style, Message-ID and boundary shapes.
type mua struct {
	uaHeader  string // "User-Agent" or "X-Mailer"; empty for none
	uaValue   string
	charset   string // body charset label for non-ASCII text
	asciiAs   string // label used when the body is pure ASCII
	cte       string // transfer encoding for non-ASCII text
	names     nameEnc
	html      bool   // sends multipart/alternative
	htmlStyle string // "apple", "gmail", "outlook", "tb"
	wrap      bool   // hard-wraps plain text at 72 columns
	flowed    bool   // format=flowed
	reply     string // reply prefix
	fwd       string // forward prefix
	strip     []string
	quote     string // "bottom", "top", "outlook"
	idStyle   string
	fnStyle   fileNameStyle
	zeroDay   bool // "Mon, 02 Jan" instead of "Mon, 2 Jan"
	tbOrder   bool // Thunderbird header order
}

type person struct {
	name  string
	addr  string
	title string
	org   string
	lang  string
	tz    *time.Location
	mua   *mua
	phone string
}

func (p *person) domain() string {
	_, d, _ := strings.Cut(p.addr, "@")
	return d
}

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var (
	locParis  = mustLoc("Europe/Paris")
	locBerlin = mustLoc("Europe/Berlin")
	locTokyo  = mustLoc("Asia/Tokyo")
	locMoscow = mustLoc("Europe/Moscow")
	locAthens = mustLoc("Europe/Athens")
	locMadrid = mustLoc("Europe/Madrid")
	locLondon = mustLoc("Europe/London")
	locNY     = mustLoc("America/New_York")
	locUTC    = time.UTC
)

func thunderbird(charset, cte string, names nameEnc) *mua {
	return &mua{
		uaHeader: "User-Agent", uaValue: "Mozilla Thunderbird",
		charset: charset, asciiAs: charset, cte: cte, names: names,
		wrap: true, flowed: true, reply: "Re: ", fwd: "Fwd: ",
		strip: []string{"Re: ", "RE: "}, quote: "bottom", idStyle: "uuid",
		fnStyle: fnThunderbird, tbOrder: true,
	}
}

func outlook(charset, cte string, names nameEnc, reply, fwd string) *mua {
	return &mua{
		uaHeader: "X-Mailer", uaValue: "Microsoft Outlook 16.0",
		charset: charset, asciiAs: charset, cte: cte, names: names,
		html: true, htmlStyle: "outlook", reply: reply, fwd: fwd,
		strip: []string{reply, fwd}, quote: "outlook", idStyle: "outlook",
		fnStyle: fnRFC2047,
	}
}

func gmail(quote string) *mua {
	return &mua{
		charset: "UTF-8", asciiAs: "UTF-8", cte: "quoted-printable",
		names: nameEnc{"UTF-8", true}, html: true, htmlStyle: "gmail",
		reply: "Re: ", fwd: "Fwd: ", strip: []string{"Re: ", "RE: ", "Fwd: "},
		quote: quote, idStyle: "gmail", fnStyle: fnRFC2047,
	}
}

func appleMail() *mua {
	return &mua{
		uaHeader: "X-Mailer", uaValue: "Apple Mail (2.3826.400.131.1.6)",
		charset: "utf-8", asciiAs: "us-ascii", cte: "quoted-printable",
		names: nameEnc{"utf-8", true}, html: true, htmlStyle: "apple",
		reply: "Re: ", fwd: "Fwd: ", strip: []string{"Re: "}, quote: "bottom",
		idStyle: "apple", fnStyle: fnApple,
	}
}

// The mailbox owner.
var owner = &person{
	name: "Alex Morgan", addr: "alex.morgan@lumen.example", title: "Senior Software Engineer",
	org: "Lumen Systems", lang: "en", tz: locParis, phone: "+33 4 72 00 14 37",
	mua: thunderbird("UTF-8", "8bit", nameEnc{"UTF-8", false}),
}

// Lumen Systems, Lyon: the owner's employer.
var (
	camille = &person{
		name: "Camille Lefèvre", addr: "camille.lefevre@lumen.example", title: "Engineering Manager",
		org: "Lumen Systems", lang: "fr", tz: locParis, phone: "+33 4 72 00 14 02",
		mua: thunderbird("UTF-8", "quoted-printable", nameEnc{"UTF-8", true}),
	}
	jurgen = &person{
		name: "Jürgen Müller", addr: "juergen.mueller@lumen.example", title: "Backend Engineer",
		org: "Lumen Systems", lang: "de", tz: locParis,
		mua: &mua{
			uaHeader: "User-Agent", uaValue: "NeoMutt/20231103",
			charset: "utf-8", asciiAs: "us-ascii", cte: "8bit", names: nameEnc{"iso-8859-1", true},
			wrap: true, reply: "Re: ", fwd: "Fwd: ", strip: []string{"Re: ", "AW: "},
			quote: "bottom", idStyle: "mutt", fnStyle: fnRFC2231,
		},
	}
	priya = &person{
		name: "Priya Natarajan", addr: "priya.natarajan@lumen.example", title: "Product Designer",
		org: "Lumen Systems", lang: "en", tz: locParis, mua: appleMail(),
	}
	tomas = &person{
		name: "Tomás Ortega", addr: "tomas.ortega@lumen.example", title: "QA Lead",
		org: "Lumen Systems", lang: "es", tz: locParis, mua: gmail("bottom"),
	}
	sophie = &person{
		name: "Sophie Martin", addr: "sophie.martin@lumen.example", title: "Office & People Manager",
		org: "Lumen Systems", lang: "fr", tz: locParis,
		mua: outlook("utf-8", "quoted-printable", nameEnc{"utf-8", false}, "RE: ", "TR: "),
	}
	noah = &person{
		name: "Noah Berger", addr: "noah.berger@lumen.example", title: "Site Reliability Engineer",
		org: "Lumen Systems", lang: "en", tz: locParis,
		mua: thunderbird("UTF-8", "8bit", nameEnc{"UTF-8", false}),
	}
)

// Nordwind GmbH, Hamburg: a customer.
var (
	bjorn = &person{
		name: "Björn Schäfer", addr: "b.schaefer@nordwind.example", title: "Leiter IT-Infrastruktur",
		org: "Nordwind GmbH", lang: "de", tz: locBerlin, phone: "+49 40 555 0192-14",
		mua: outlook("windows-1252", "quoted-printable", nameEnc{"Windows-1252", true}, "AW: ", "WG: "),
	}
	anne = &person{
		name: "Änne Köhler", addr: "a.koehler@nordwind.example", title: "Buchhaltung",
		org: "Nordwind GmbH", lang: "de", tz: locBerlin, phone: "+49 40 555 0192-30",
		mua: outlook("iso-8859-15", "quoted-printable", nameEnc{"iso-8859-15", true}, "AW: ", "WG: "),
	}
	gunther = &person{
		name: "Günther Weiß", addr: "g.weiss@nordwind.example", title: "Geschäftsführer",
		org: "Nordwind GmbH", lang: "de", tz: locBerlin,
		mua: outlook("utf-8", "base64", nameEnc{"utf-8", false}, "AW: ", "WG: "),
	}
)

// 桜商事 (Sakura Shōji), Tokyo: a partner.
var (
	yamada = &person{
		name: "山田 太郎", addr: "t-yamada@sakura-shoji.example", title: "システム部 部長",
		org: "桜商事株式会社", lang: "ja", tz: locTokyo, phone: "03-5555-0123",
		mua: &mua{
			uaHeader: "X-Mailer", uaValue: "Becky! ver. 2.81.05 [ja]",
			charset: "ISO-2022-JP", asciiAs: "US-ASCII", cte: "7bit", names: nameEnc{"ISO-2022-JP", false},
			reply: "Re: ", fwd: "Fw: ", strip: []string{"Re: "}, quote: "bottom",
			idStyle: "becky", fnStyle: fnRFC2047,
		},
	}
	hanako = &person{
		name: "佐藤 花子", addr: "h-sato@sakura-shoji.example", title: "営業部",
		org: "桜商事株式会社", lang: "ja", tz: locTokyo, phone: "03-5555-0147",
		mua: &mua{
			uaHeader: "X-Mailer", uaValue: "Microsoft Outlook 16.0",
			charset: "shift_jis", asciiAs: "us-ascii", cte: "base64", names: nameEnc{"shift_jis", false},
			reply: "RE: ", fwd: "FW: ", strip: []string{"RE: ", "FW: "}, quote: "top",
			idStyle: "outlook", fnStyle: fnRFC2047,
		},
	}
	suzuki = &person{
		name: "鈴木 一郎", addr: "ichiro.suzuki@sakura-shoji.example", title: "システム部 エンジニア", phone: "03-5555-0160",
		org: "桜商事株式会社", lang: "ja", tz: locTokyo, mua: gmail("top"),
	}
)

// Volga Soft, Kazan: a contractor.
var (
	dmitri = &person{
		name: "Дмитрий Иванов", addr: "d.ivanov@volgasoft.example", title: "Руководитель проектов",
		org: "ООО \"Волга Софт\"", lang: "ru", tz: locMoscow, phone: "+7 843 555-01-77",
		mua: &mua{
			uaHeader: "X-Mailer", uaValue: "The Bat! (v10.5.2) Professional",
			charset: "koi8-r", asciiAs: "us-ascii", cte: "8bit", names: nameEnc{"koi8-r", false},
			wrap: true, reply: "Re: ", fwd: "Fwd: ", strip: []string{"Re: "}, quote: "bottom",
			idStyle: "bat", fnStyle: fnRFC2047,
		},
	}
	olga = &person{
		name: "Ольга Смирнова", addr: "olga.smirnova@volgasoft.example", title: "Переводчик",
		org: "ООО «Волга Софт»", lang: "ru", tz: locMoscow,
		mua: &mua{
			charset: "utf-8", asciiAs: "utf-8", cte: "base64", names: nameEnc{"utf-8", false},
			html: true, htmlStyle: "gmail", reply: "Re: ", fwd: "Fwd: ", strip: []string{"Re: "},
			quote: "top", idStyle: "webmail", fnStyle: fnRFC2047,
		},
	}
)

// Aegean Analytics, Athens.
var (
	giorgos = &person{
		name: "Γιώργος Παπαδόπουλος", addr: "g.papadopoulos@aegean-analytics.example", title: "Data Engineer",
		org: "Aegean Analytics", lang: "el", tz: locAthens,
		mua: &mua{
			uaHeader: "User-Agent", uaValue: "Mozilla Thunderbird",
			charset: "iso-8859-7", asciiAs: "us-ascii", cte: "quoted-printable", names: nameEnc{"iso-8859-7", false},
			wrap: true, reply: "Re: ", fwd: "Fwd: ", strip: []string{"Re: ", "ΑΠ: "}, quote: "bottom",
			idStyle: "uuid", fnStyle: fnThunderbird, tbOrder: true,
		},
	}
	eleni = &person{
		name: "Ελένη Νικολάου", addr: "eleni.nikolaou@aegean-analytics.example", title: "Head of Research",
		org: "Aegean Analytics", lang: "el", tz: locAthens, mua: appleMail(),
	}
)

// Iberia Digital, Madrid.
var (
	mariajose = &person{
		name: "María José Fernández Núñez", addr: "mj.fernandez@iberiadigital.example", title: "Directora de Operaciones",
		org: "Iberia Digital S.L.", lang: "es", tz: locMadrid, phone: "+34 910 555 321",
		mua: outlook("iso-8859-1", "quoted-printable", nameEnc{"iso-8859-1", true}, "RE: ", "RV: "),
	}
	anabelen = &person{
		name: "Ana Belén Ruiz", addr: "anabelen.ruiz@iberiadigital.example", title: "Jefa de Proyecto",
		org: "Iberia Digital S.L.", lang: "es", tz: locMadrid, mua: gmail("top"),
	}
)

// Cabinet Géraud, the owner's accountant.
var francois = &person{
	name: "François Géraud", addr: "f.geraud@cabinet-geraud.example", title: "Expert-comptable",
	org: "Cabinet Géraud & Associés", lang: "fr", tz: locParis, phone: "04 78 55 01 23",
	mua: outlook("iso-8859-1", "quoted-printable", nameEnc{"iso-8859-1", true}, "RE : ", "TR : "),
}

// Family and friends.
var (
	mum = &person{
		name: "Margaret Morgan", addr: "maggie.morgan@post.example.org", lang: "en", tz: locLondon,
		mua: &mua{
			uaHeader: "X-Mailer", uaValue: "iPad Mail (21F90)",
			charset: "us-ascii", asciiAs: "us-ascii", cte: "7bit", names: nameEnc{"utf-8", true}, htmlStyle: "apple",
			reply: "Re: ", fwd: "Fwd: ", strip: []string{"Re: "}, quote: "top", idStyle: "apple", fnStyle: fnApple,
		},
	}
	chris  = &person{name: "Chris Morgan", addr: "chris.morgan.uk@mail.example.net", lang: "en", tz: locLondon, mua: gmail("top")}
	helene = &person{
		name: "Hélène Dubois", addr: "helene.dubois@courriel.example.fr", lang: "fr", tz: locParis,
		mua: &mua{
			uaHeader: "User-Agent", uaValue: "Roundcube Webmail/1.6.9",
			charset: "ISO-8859-15", asciiAs: "US-ASCII", cte: "quoted-printable", names: nameEnc{"ISO-8859-15", true},
			html: false, reply: "Re: ", fwd: "Tr: ", strip: []string{"Re: "}, quote: "bottom",
			idStyle: "roundcube", fnStyle: fnRFC2231,
		},
	}
	zoe = &person{name: "Zoë Clarke", addr: "zoe.clarke@mail.example.net", lang: "en", tz: locLondon, mua: appleMail()}
)

// Open-source contributors on the public lists.
var (
	rahel = &person{
		name: "Rahel Tesfaye", addr: "rahel@tesfaye.example", lang: "en", tz: locLondon,
		mua: &mua{
			uaHeader: "User-Agent", uaValue: "aerc 0.18.2",
			charset: "UTF-8", asciiAs: "US-ASCII", cte: "8bit", names: nameEnc{"UTF-8", true},
			wrap: true, reply: "Re: ", fwd: "Fwd: ", strip: []string{"Re: "}, quote: "bottom",
			idStyle: "mutt", fnStyle: fnRFC2231,
		},
	}
	kenji = &person{
		name: "Kenji Watanabe", addr: "kenji@watanabe.example", lang: "en", tz: locTokyo,
		mua: thunderbird("UTF-8", "8bit", nameEnc{"UTF-8", false}),
	}
	ines = &person{
		name: "Inês Carvalho", addr: "ines.carvalho@correio.example.pt", lang: "en", tz: locLondon, mua: gmail("bottom"),
	}
)

// signature returns the text signature a person's client appends.
func (p *person) signature() string {
	switch p {
	case mum:
		return "Sent from my iPad"
	case chris, zoe, helene, rahel, kenji, ines:
		return ""
	}
	if p.lang == "ja" {
		line := "━━━━━━━━━━━━━━━━━━━━━━"
		return line + "\n" + p.org + " " + p.title + "\n" + p.name + "\nTEL: " + p.phone + "\nMail: " + p.addr + "\n" + line
	}
	lines := []string{p.name}
	for _, s := range []string{p.title, p.org, p.phone} {
		if s != "" {
			lines = append(lines, s)
		}
	}
	return strings.Join(lines, "\n")
}

// attribution renders the "X wrote:" line in the replier's language.
func attribution(replier, author *person, t time.Time) string {
	t = t.In(replier.tz)
	switch replier.lang {
	case "de":
		return fmt.Sprintf("Am %s um %s schrieb %s:", t.Format("02.01.2006"), t.Format("15:04"), author.name)
	case "fr":
		return fmt.Sprintf("Le %s à %s, %s a écrit :", t.Format("02/01/2006"), t.Format("15:04"), author.name)
	case "ja":
		wd := []string{"日", "月", "火", "水", "木", "金", "土"}[t.Weekday()]
		return fmt.Sprintf("%d年%d月%d日(%s) %s %s <%s>:", t.Year(), int(t.Month()), t.Day(), wd, t.Format("15:04"), author.name, author.addr)
	case "ru":
		return fmt.Sprintf("%s %s, %s пишет:", t.Format("02.01.2006"), t.Format("15:04"), author.name)
	case "es":
		wd := []string{"dom", "lun", "mar", "mié", "jue", "vie", "sáb"}[t.Weekday()]
		mo := []string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"}[t.Month()-1]
		return fmt.Sprintf("El %s, %d %s %d a las %s, %s (<%s>) escribió:", wd, t.Day(), mo, t.Year(), t.Format("15:04"), author.name, author.addr)
	case "el":
		return fmt.Sprintf("Στις %s, ο/η %s έγραψε:", t.Format("02/01/2006 15:04"), author.name)
	}
	if replier.mua.idStyle == "gmail" {
		return fmt.Sprintf("On %s at %s, %s <%s> wrote:", t.Format("Mon, 2 Jan 2006"), t.Format("15:04"), author.name, author.addr)
	}
	return fmt.Sprintf("On %s %s, %s wrote:", t.Format("02/01/2006"), t.Format("15:04"), author.name)
}

// outlookHeaderBlock is the quoted-header block Outlook puts above the
// original message instead of "> " quoting.
func outlookHeaderBlock(replier, author *person, to []*person, t time.Time, subject string) string {
	t = t.In(replier.tz)
	var names []string
	for _, p := range to {
		names = append(names, p.name+" <"+p.addr+">")
	}
	switch replier.lang {
	case "de":
		return fmt.Sprintf("-----Ursprüngliche Nachricht-----\nVon: %s <%s>\nGesendet: %s\nAn: %s\nBetreff: %s",
			author.name, author.addr, deDate(t), strings.Join(names, "; "), subject)
	case "fr":
		return fmt.Sprintf("-----Message d'origine-----\nDe : %s <%s>\nEnvoyé : %s\nÀ : %s\nObjet : %s",
			author.name, author.addr, t.Format("02/01/2006 15:04"), strings.Join(names, " ; "), subject)
	case "es":
		return fmt.Sprintf("-----Mensaje original-----\nDe: %s <%s>\nEnviado el: %s\nPara: %s\nAsunto: %s",
			author.name, author.addr, t.Format("02/01/2006 15:04"), strings.Join(names, "; "), subject)
	case "ja":
		return fmt.Sprintf("-----Original Message-----\n差出人: %s <%s>\n送信日時: %s\n宛先: %s\n件名: %s",
			author.name, author.addr, t.Format("2006/01/02 15:04"), strings.Join(names, "; "), subject)
	}
	return fmt.Sprintf("-----Original Message-----\nFrom: %s <%s>\nSent: %s\nTo: %s\nSubject: %s",
		author.name, author.addr, t.Format("Monday, January 2, 2006 3:04 PM"), strings.Join(names, "; "), subject)
}

func deDate(t time.Time) string {
	wd := []string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}[t.Weekday()]
	mo := []string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}[t.Month()-1]
	return fmt.Sprintf("%s, %d. %s %d %s", wd, t.Day(), mo, t.Year(), t.Format("15:04"))
}
