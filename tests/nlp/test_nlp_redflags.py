"""Emergencies are stopped with a 112 reply; mere mentions of red-flag words are not."""

from __future__ import annotations

import pytest

from nlp import Router
from tests.support.presentations import PRESENTATIONS

AKUT = [
    ("chest_pain_breathless", "sv",
     "Min man har ont i bröstet och är jätteandfådd, han är grå i ansiktet."),
    ("chest_pain_breathless", "en", "I have chest pain and I'm short of breath."),
    ("stroke", "sv", "Mormor har plötsligt blivit sned i ansiktet och sluddrar."),
    ("stroke", "en", "My wife's face is drooping and her speech is slurred since ten minutes."),
    ("bleeding", "sv", "Jag blöder kraftigt från ett sår på benet och det slutar inte blöda."),
    ("bleeding", "en", "My son is vomiting blood."),
    ("anaphylaxis", "sv",
     "Fick ett getingstick och nu svullnar tungan och jag har svårt att andas."),
    ("anaphylaxis", "en", "After eating shrimp my throat is swelling and I feel faint."),
    ("suicidal", "sv", "Jag vill inte leva längre och har tänkt ut hur jag ska ta livet av mig."),
    ("suicidal", "en", "I am going to kill myself tonight."),
    ("unconscious", "sv", "Pappa ligger på golvet och är medvetslös."),
    ("unconscious", "en", "My grandfather collapsed and is unresponsive."),
    ("infant_fever", "sv", "Vår son är 4 veckor gammal och har 38,3 i feber."),
    ("infant_fever", "en", "Our 6 week old baby has a fever of 38.5."),
    ("thunderclap_headache", "sv", "Fick plötsligt den värsta huvudvärk jag någonsin haft."),
    ("thunderclap_headache", "en", "I suddenly got the worst headache of my life."),
    ("breathing", "sv", "Min dotter kan inte andas, hon är blå om läpparna!"),
    ("breathing", "en", "He can't breathe and is gasping for air."),
    ("stroke", "sv", "pappa ar sned i ansiktet och kan inte prata"),
    ("chest_pain_breathless", "sv", "ont i brostet och andfadd"),
]

TRICKY = [
    "Vilka är symtomen på stroke?",
    "Min pappa hade en stroke för tio år sedan, är det ärftligt?",
    "Jag hade ont i bröstet och var andfådd förra året men det var astma.",
    "Vad ska man göra om någon får en allergisk chock?",
    "Jag har inga självmordstankar men mår dåligt och vill prata med någon.",
    "Jag har inte ont i bröstet men blir lite andfådd i trappor.",
    "What are the signs of a stroke?",
    "My mother had heavy bleeding after her surgery years ago.",
    "Min bror tog livet av sig förra året och jag sörjer fortfarande.",
    "Behöver förnya mitt recept på adrenalinpenna mot anafylaxi.",
    "Vår bebis är 5 månader och har lite feber, 38,1.",
    "Mamma var medvetslös en kort stund efter olyckan 2019, behöver hon ett intyg?",
]


@pytest.mark.parametrize(("kind", "lang", "text"), AKUT)
def test_red_flags_are_akut(router: Router, kind: str, lang: str, text: str) -> None:
    d = router.route(text)
    assert d.urgency == "akut", d.reasons
    assert d.red_flag_kind in PRESENTATIONS[kind], d.reasons
    assert d.emergency_reply is not None and "112" in d.emergency_reply
    assert d.language == lang
    marker = "Ring 112" if lang == "sv" else "Call 112"
    assert marker in d.emergency_reply
    assert any(r.startswith("Akut:") and d.presentation_name in r for r in d.reasons)


@pytest.mark.parametrize("text", TRICKY)
def test_mentions_are_not_akut(router: Router, text: str) -> None:
    d = router.route(text)
    assert d.urgency != "akut", d.reasons
    assert d.emergency_reply is None and d.red_flag_kind is None


# Further phrasings written separately from the corpus (relatives, nurses, typos, English).
MORE_AKUT = [
    "Min pappa har ont i bröstet och svårt att andas, vad gör vi?",
    "Har så ont i bröstet, det strålar upp i käken och jag svettas",
    "hon kan plötsligt inte röra höger arm och pratar sluddrigt",
    "He suddenly can't talk properly and his arm is numb",
    "Jag har skurit mig djupt och det sprutar blod",
    "Blöder massor från underlivet, är gravid i vecka 20",
    "Han har kräkts blod flera gånger",
    "blir svullen i ansiktet och halsen efter att ha ätit räkor, svårt att andas",
    "Orkar inte leva mer, har skrivit avskedsbrev",
    "I don't want to live anymore and have pills ready",
    "Min sambo har tagit en hel burk med sömntabletter",
    "Mamma svimmade och svarar inte på tilltal",
    "pappa har ramlat ihop och andas konstigt, vi får ingen kontakt med honom",
    "bebis 5 veckor feber 38,2 vad gör vi",
    "Our 2 month old has a temperature of 38.6",
    "I have a sudden, explosive headache, the worst I've ever had",
    "jag far ingen luft alls",
    "Help! chest pain, cant breathe",
    "Tror du att pappa har fått en stroke? Han är sned i ansiktet.",
    "Kommunsjuksköterska: boende har plötsligt hängande mungipa och talar otydligt sedan 10 min",
]
MORE_TRICKY = [
    "Vad är symtom på hjärtinfarkt hos kvinnor?",
    "Jag blödde mycket vid min förra förlossning, vad gäller nu?",
    "Kan ni förklara vad anafylaxi är? Min son ska börja förskolan.",
    "Min bror har haft stroke två gånger, är det ärftligt?",
    "Vad ska jag göra om min dotter får svårt att andas av sin astma?",
    "Farmor fick hjärtinfarkt 2018, ska jag kolla mitt kolesterol?",
    "My son had anaphylaxis last year, we need a new epipen prescription.",
    "ont i bröstet när jag hostar, förkyld",
    "Kan högt blodtryck ge stroke?",
    "Min mamma har haft stroke, ska jag kontrollera mitt blodtryck?",
    "Can high blood pressure cause a stroke?",
    "Vår bebis på 10 veckor har ingen feber men hostar lite",
]


@pytest.mark.parametrize("text", MORE_AKUT)
def test_more_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", MORE_TRICKY)
def test_more_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# A third, adversarial round: resolved episodes, "I read that ...", period bleeding, etc.
THIRD_TRICKY = [
    'Hej! Min svärfar hade en hjärtinfarkt i julas och nu undrar '
    'vi om han ska ha kvar sina blodförtunnande.',
    'Jag läste att bröstsmärta och andfåddhet kan vara hjärtinfarkt, hur vanligt är det hos unga?',
    'Förra vintern fick jag en allergisk chock av räkor. Behöver jag en ny adrenalinpenna?',
    'Min pappa fick stroke för tre år sedan och är förlamad i ena sidan, behöver ny rullstol.',
    'Vi vill gå en kurs i HLR, hur agerar man om någon är medvetslös?',
    'Jag har tidigare haft självmordstankar men mår mycket '
    'bättre nu, vill avsluta kontakten med kuratorn.',
    'Kan man få ont i bröstet av stress? Jag har inte ont nu.',
    'Vår son fick feber när han var 4 veckor gammal, nu är han 6 månader och frisk.',
    'Jag blödde kraftigt ur näsan i förrgår men det har slutat, ska jag göra något?',
    'Mormor svimmade på sin 90-årsdag förra månaden, ska hon utredas?',
    'Vad är skillnaden mellan TIA och stroke?',
    'Hur vet man om en huvudvärk är farlig?',
    'Jag blir andfådd när jag springer men har inte ont i bröstet.',
    'Min dotter har astma, vad gör vi om hon får svårt att andas på lägret?',
    'Jag är rädd för att få hjärtinfarkt som pappa, kan jag göra ett arbetsprov?',
    'Hade ett panikångestanfall igår och trodde att jag inte kunde andas, nu är jag lugn.',
    'Kan man dö av anafylaxi? Min son är allergisk mot nötter.',
    'Min mamma dog i stroke förra året, ska jag ta något förebyggande?',
    'I had chest pain last week but it went away, should I still get an ECG?',
    'What should I do if my child has a febrile seizure?',
    'My grandmother had a stroke in 2020 and now needs help at home.',
    'I used to have suicidal thoughts as a teenager, now I just need help with sleep.',
    'Is heavy bleeding during periods something to worry about? Mine are heavy but regular.',
    'My baby is 5 months old and has a slight fever, 38.1, but is eating well.',
    'Jag har haft ont i bröstet i flera år vid ansträngning, känd kärlkramp, vill förnya nitro.',
    'Pappa blöder lätt av Waran, små blåmärken, är det normalt?',
]
THIRD_AKUT = [
    'Min man blev plötsligt sned i ansiktet och får inte fram orden, hjälp!',
    'Jag har sån ångest att jag vill ta livet av mig, kan inte mer.',
    'Har fruktansvärt ont i bröstet och kallsvettas, vad gör jag?',
    'Min fru ligger på golvet och svarar inte!',
    'Sonen är 2 veckor och har feber 38,4.',
    'Mamma har kräkts stora mängder blod.',
    "Got stung by a wasp and now I can't breathe properly and my throat feels tight.",
    "I'm having the worst headache of my life, it came on suddenly while lifting.",
    'Min dotter får ingen luft, hon har astma och sprayen hjälper inte',
    'boende på rum 5 har slutat andas ordentligt och är blå om läpparna',
    'jag har ont i brostet som stralar ut i armen',
    'Jag har skurit mig och det blöder kraftigt, går inte att stoppa',
    'pappa ar medvetslos',
    'min bebis 6 veckor feber 38,5',
    'Jag tänker på att ta mitt liv varje dag och har en plan',
]


@pytest.mark.parametrize("text", THIRD_AKUT)
def test_third_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", THIRD_TRICKY)
def test_third_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Fourth round: "what counts as fever", "if grandma gets another stroke", lost speech, pills.
FOURTH_TRICKY = [
    'Hej, jag är kommunsjuksköterska. Boende hade en TIA för två '
    'veckor sedan, ska vi fortsätta med Trombyl?',
    'Sonen svimmade på gympan i förra veckan efter att inte ha ätit, han mår bra nu.',
    'Min man är allergisk mot getingar. Kan ni skriva ut en adrenalinpenna inför sommaren?',
    'Vi har en bebis på 7 veckor, vad räknas som feber hos så små barn?',
    'Jag tänkte fråga om blodförtunnande efter min lungemboli i våras.',
    'Mamma hade kraftiga blödningar efter operationen 2017, vi vill att läkaren vet det.',
    'Finns det någon stödgrupp för anhöriga till personer som tagit sitt liv?',
    'Pappa är andfådd sedan länge pga KOL, behöver nya inhalatorer.',
    'Har haft huvudvärk i en vecka, molande, inte plötslig.',
    'Hur ska vi agera om mormor får en ny stroke? Hon bor själv.',
    'Jag har ingen bröstsmärta och andas normalt, men pulsen är hög efter kaffe.',
    'Min son har haft feberkramp en gång när han var liten, behöver han undersökas?',
    'My dad had a cardiac arrest two years ago, he needs his pacemaker checked.',
    'Are there any first aid courses for parents about choking?',
    "Can anxiety make you feel like you can't breathe? I'm "
    'fine right now but it happened last week.',
    'Jag har aldrig blödit så här mycket under mensen, men det '
    'är inte farligt mycket, vill bara kolla.',
    'Min syster har självskadebeteende sedan tonåren, hur kan jag stötta henne?',
    'Kan man få allergisk reaktion av hundar? Dottern nyser mycket.',
    'Hur länge ska man vara hemma efter en hjärnskakning?',
    'Vad gör man om bebisen sätter i halsen?',
]
FOURTH_AKUT = [
    'Hjälp, min pappa har tappat talet och kan inte röra högra sidan.',
    'Jag har ett tryck över bröstet som inte går över och jag är andfådd.',
    'Sambon har ätit jordnötter och svullnar i hela ansiktet och andas tungt.',
    'Min bebis är 8 veckor och har 38,7.',
    'Jag vill inte leva mer. Jag har samlat tabletter.',
    'Min dotter har tagit en massa tabletter och är jättetrött.',
    'Blodet forsar ur ett sår på benet efter motorsågen.',
    'Min mamma är medvetslös och andas konstigt.',
    'Plötsligt värsta huvudvärken någonsin och jag har kräkts.',
    'Han får inte luft och läpparna är blå.',
    'kommunsjuksköterska: boende sluddrar och ena armen är slapp sedan en halvtimme',
    'my wife collapsed and is not breathing',
    "I think I'm having a heart attack, chest pain and sweating",
    'my newborn is 12 days old and has a fever of 38.2',
    "I'm going to take all my pills tonight, I can't go on",
]


@pytest.mark.parametrize("text", FOURTH_AKUT)
def test_fourth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", FOURTH_TRICKY)
def test_fourth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Fifth round: possessive mentions ("farfars stroke"), "alla mina sömntabletter".
FIFTH_TRICKY = [
    'Min mamma fick en propp i hjärnan för några år sedan, nu har hon svårt att skriva.',
    'Kan man ta Alvedon när man har blodförtunnande? Jag blöder lätt näsblod.',
    'Vilken temperatur räknas som feber hos en nyfödd?',
    'Jag var med om en bilolycka förra månaden och svimmade, vill ha en kontroll.',
    'Har inte haft några självmordstankar på länge, vill trappa ner på medicinen.',
    'Dottern hade anafylaxi mot jordnötter som liten, behöver hon testas igen nu när hon är 12?',
    'Vad ska jag säga till min son om farfars stroke?',
    'Min man hade hjärtstopp 2019 och har en ICD, den ska kontrolleras.',
    'Jag är lite andfådd efter covid men inget ont i bröstet, kan jag börja träna?',
    "My mother's stroke was three years ago, she needs a new walking aid.",
    "I don't have chest pain, just a cough that won't go away.",
    'Is it normal for a 2 month old to sleep so much? No fever.',
    'Brukaren har haft kraftiga näsblödningar tidigare, nu mår hon bra men vill ha remiss.',
    'Hur känner man igen en hjärtinfarkt hos äldre? Jag jobbar i hemtjänsten.',
    'Jag hade svårt att andas i natt av förkylningen men nu är det bättre.',
]
FIFTH_AKUT = [
    'Min pappa sluddrar helt plötsligt och munnen hänger på ena sidan',
    'Hon har kraftiga bröstsmärtor och kan knappt andas',
    'Vi hittade farmor medvetslös i sängen',
    'Jag blöder kraftigt efter aborten och känner mig yr',
    'Min bebis är 4 veckor och har 38 i feber',
    'Han blev stucken av en geting och har svårt att andas och är svullen i ansiktet',
    'Jag har precis tagit alla mina sömntabletter',
    'Fick en plötslig extrem huvudvärk som ett slag i huvudet',
    'Dottern kan inte andas och blir blå',
    'pappa kan inte prata och ena armen hänger, det hände nyss',
]


@pytest.mark.parametrize("text", FIFTH_AKUT)
def test_fifth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", FIFTH_TRICKY)
def test_fifth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Sixth round: generic chest/bleeding wording, seizures, goodbye letters, face swelling.
SIXTH_TRICKY = [
    'Pappa hade ont i bröstet i julas, det visade sig vara magkatarr. Nu vill han ha en kontroll.',
    'Vilka tecken ska jag hålla koll på efter min mammas stroke?',
    'Jag har ingen andnöd och inga bröstsmärtor, men blodtrycket är högt.',
    'Mamma blev medvetslös av lågt socker för fem år sedan, nu har hon ny insulinpump.',
    'Min son fick en allergisk reaktion mot ägg när han var ett år, nu vill vi prova igen.',
    'Hur stoppar man en näsblödning?',
    'Kan blodförtunnande ge blödningar? Jag har lite blåmärken.',
    'Min dotter pratar ibland om att hon vill dö när hon är arg, men '
    'hon menar det inte och mår bra. Vill ha samtal.',
    'Min bror dog i hjärtinfarkt i fjol, vill kolla mitt hjärta.',
    'I sometimes feel short of breath climbing stairs but no chest pain.',
    'My grandmother fainted last month, the doctor said it was dehydration.',
    'What counts as heavy bleeding after a miscarriage?',
    'Vår bebis är 4 månader och har feber 38,2',
]
SIXTH_AKUT = [
    'Min man har ont i bröstet och känner sig andfådd, han är 70',
    'Det känns som ett band runt bröstet och jag får svårt att andas',
    'Kraftig smärta mitt i bröstet som går ut i ryggen',
    'Pappa pratar obegripligt och kan inte hålla i koppen sedan en stund',
    'Mamma har plötsligt blivit förvirrad och ena sidan av munnen hänger ner',
    'Jag har en blödning som inte går att stoppa från ett sår i huvudet',
    'Har kräkts något som ser ut som kaffesump och är yr',
    'Blöder mycket från slidan i vecka 30',
    'Fick medicin på akuten och nu svullnar läpparna och jag har svårt att andas',
    'Min son blev stucken i munnen av ett bi och halsen svullnar',
    'Jag har skrivit ett avskedsbrev och tänker göra det i natt',
    'Min tonårsdotter har skurit sig djupt i armarna och säger att hon vill dö',
    'Pappa har fallit och vi kan inte väcka honom',
    'Min fru har ett krampanfall som inte slutar och svarar inte',
    'Vår nyfödda har 38 grader och vill inte äta',
    'bebis 1 månad feber',
    'Fick den värsta huvudvärken jag någonsin haft när jag böjde mig ner, och kräks',
    'Han andas jättetungt och kan inte prata hela meningar',
    'My husband has chest pains and is short of breath',
    "My dad's speech is slurred and his face looks droopy",
    "I can't stop the bleeding from my leg",
    "My daughter's throat is swelling after eating peanuts",
    'I want to kill myself',
    "My mother won't wake up",
    'Our 3 week old has a fever',
    'I suddenly have an extremely severe headache, worst ever',
    "My son is wheezing badly and can't catch his breath",
]


@pytest.mark.parametrize("text", SIXTH_AKUT)
def test_sixth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", SIXTH_TRICKY)
def test_sixth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Seventh round: overdoses by count, speech plus limb weakness, seizures, "som fan".
SEVENTH_TRICKY = [
    'Boende hade ett krampanfall i förra veckan, läkaren ville ha uppföljning.',
    'Min man har epilepsi och behöver förnya sina mediciner, han har inte haft anfall på länge.',
    'Jag har haft självmordstankar tidigare och vill ha stöd nu när hösten kommer.',
    'Kan man få tillbaka känseln i handen efter en stroke? Mamma fick det i maj.',
    'Vad ska man ha i huset om barnen får en allergisk reaktion?',
    'Min svärmor fick en blodpropp i lungan i fjol och undrar om hon ska fortsätta med Eliquis.',
    'Jag hostade upp lite blod en gång förra månaden, inget sedan dess.',
    'What are the symptoms of sepsis in elderly people?',
    'My son had a febrile seizure at 2, he is now 5 and fine.',
    "Is it dangerous to have a fever of 38.5 when you're 40 weeks pregnant? I feel fine otherwise.",
]
SEVENTH_AKUT = [
    'Hej, min mamma har fått svårt att prata och ena handen lyder inte, började för 20 min sedan',
    'Jag har väldigt ont i bröstet och det känns som jag ska svimma',
    'Ont över hela bröstet, kallsvett och illamående, snälla hjälp',
    'Min son har druckit ur en flaska med rengöringsmedel och andas konstigt',
    'Jag har tagit 30 Alvedon för att dö',
    'Har haft kontakt med psykiatrin men nu vet jag inte om '
    'jag klarar natten, jag vill inte vara kvar',
    'Vår 5 veckor gamla dotter är varm, 38,1 i örat',
    'Det blöder som fan från handen efter att jag skar mig på en flaska',
    'Min mormor andas knappt och är helt slapp',
    "He's had a seizure for five minutes and isn't responding",
    'After the bee sting her tongue is swollen and she can hardly breathe',
    'My chest feels crushed and my left arm is numb',
    'The baby is 6 weeks old and feels hot, temperature 38.3',
    'I just swallowed a whole box of sleeping pills',
    'Min man har plötsligt fått en fruktansvärd huvudvärk och kräks, '
    'han säger att det är det värsta han varit med om',
]


@pytest.mark.parametrize("text", SEVENTH_AKUT)
def test_seventh_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", SEVENTH_TRICKY)
def test_seventh_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Eighth round: grey face, stopped breathing, "can't get enough air".
EIGHTH_TRICKY = [
    'Hej, vill bara berätta att pappa som hade ont i bröstet i '
    'förra veckan nu mår bra efter stenten.',
    'Min son har ätit jordnötter utan problem, behöver han fortfarande testas?',
    'Kan man ge Alvedon till en bebis på 2 månader utan feber, hon har ont vid vaccination?',
    'Vi har en brandövning på boendet och undrar vad man gör om någon slutar andas.',
    'Mamma har pratat sluddrigt sedan sin stroke för åtta år '
    'sedan, men nu har hon fått en förkylning.',
    "I'm a nurse student, what are the signs of anaphylaxis?",
    "My dad's heart attack was in 2015 and now his cholesterol is high.",
    'Min kompis sa att hon ville dö när hon var full i helgen men nu '
    'säger hon att hon mår bra. Hur ska jag tänka?',
]
EIGHTH_AKUT = [
    'Min man har tryck i bröstet sen en timme och svettas floder',
    'hjälp mamma kan inte svälja och pratar sluddrigt',
    'Min pappa har ont i bröstet och är helt grå i ansiktet',
    'Hon har svimmat och vaknar inte fast vi skakar henne',
    'Vår son på 2 månader har feber och är jättetrött',
    'Jag har svalt en massa piller',
    'Det rinner blod från munnen och slutar inte',
    'Min dotter har ätit en jordnöt och säger att det kliar i halsen och hon hostar och väser',
    'Min fru har slutat andas!',
    'Hjärtat rusar och jag har ont i bröstet och svimmar nästan',
    'pappa har fått en hjärnblödning tror jag, han har värsta huvudvärken och kräks',
    'Jag ser ingen mening med livet och har bestämt mig för att ta mitt liv',
    'Han är blå i ansiktet och får ingen luft',
    "My grandfather's face is drooping on the left side",
    'She is bleeding a lot after giving birth',
    'My son is not breathing properly and is very pale and floppy',
    'My newborn daughter has a temperature of 38',
    "I feel like I'm going to kill myself tonight",
    "My chest hurts badly and I can't get enough air",
]


@pytest.mark.parametrize("text", EIGHTH_AKUT)
def test_eighth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", EIGHTH_TRICKY)
def test_eighth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Ninth round: word-finding trouble, pads soaked through, jumping, agonal breathing.
NINTH_TRICKY = [
    'Min mamma har haft svårt att hitta orden sedan stroken 2016, behöver ny logoped.',
    'Jag är gravid och blöder inte men har lite ont, är det normalt?',
    'Pappa har haft bröstsmärtor som utretts och det var muskulärt, vill ha sjukgymnast.',
    'Kan man vaccinera en bebis som har lite feber?',
    'Jag läste på 1177 om stroke och blev orolig, ska jag kolla blodtrycket?',
    'Min mormor har demens och pratar ibland osammanhängande, det är som vanligt.',
    'She had a seizure once when she was a child, no problems since.',
    'How do I know if my chest pain is from anxiety? I have none right now.',
    'My husband overdosed years ago, he is clean now and wants help with sleep.',
    'Jag vill prata om mina tankar på döden, jag har inga planer men det är jobbigt.',
]
NINTH_AKUT = [
    'Akut! Min man klagar på att det trycker över bröstet och han är jätteblek',
    'Jag har så ont i bröstet att jag inte kan röra mig',
    'Min 80-åriga mamma har plötsligt svårt att hitta orden och munnen är sned',
    'Pappa har blivit svag i höger arm och ben helt plötsligt',
    'Jag har blött genom tre bindor på en timme',
    'Mamma har fallit och slagit huvudet, blöder mycket och är förvirrad',
    'Efter att ha ätit räkor har jag fått svullna ögon och läppar och känner mig svimfärdig',
    'Jag tänker ta en överdos ikväll',
    'Min kille säger att han ska hoppa från bron',
    'Vi hittade pappa på golvet, han svarar inte och andas ryckigt',
    'Bebisen är 11 dagar och känns het, 38,3',
    'Värsta huvudvärken i hela mitt liv, kom på en sekund',
    'Min dotter andas väldigt snabbt och drar in under revbenen, hon orkar inte dricka',
    'Jag kan inte andas, hjälp',
    'My wife has chest pain and feels sick and sweaty',
    'He suddenly slurred his words and his arm went weak',
    "I'm bleeding heavily and feel dizzy",
    'I took an overdose',
    'My baby is 2 weeks old and has a fever',
    "He collapsed and won't wake up",
]


@pytest.mark.parametrize("text", NINTH_AKUT)
def test_ninth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", NINTH_TRICKY)
def test_ninth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Tenth round: air hunger, drooping eyelid, pumping blood, swelling tongue, blue lips.
TENTH_TRICKY = [
    'Jag har ont i bröstet när jag andas djupt efter förkylningen, ingen andnöd.',
    'Vi undrar vad vi ska göra om pappa får en ny hjärtinfarkt, han har haft två.',
    'Min dotter skar sig i fingret igår, det blödde lite, nu har det läkt.',
    'Jag får ibland svårt att andas när jag har ångest men det går över efter några minuter.',
    'Kan man ta Ipren om man har haft en magblödning för länge sedan?',
    "My friend took an overdose last year, she's fine now, but I keep worrying.",
    'What is the risk of stroke with atrial fibrillation?',
    'Bebisen är 3 månader gammal och hade feber i förra veckan, nu är han frisk.',
]
TENTH_AKUT = [
    'Min sambo har ont i bröstet och har svårt att få luft sedan i kväll',
    'Mormor har fått ett hängande ögonlock och kan inte le på ena sidan sedan en halvtimme',
    'Sonen skar sig på en kniv och blodet pumpar ut',
    'Jag har astma och det hjälper inte med medicinen, jag kan knappt prata',
    'Min syster har tagit massor av tabletter och är svår att väcka',
    'Det sticker i halsen och tungan sväller efter getingsticket',
    'Min pappa har blivit helt borta och svarar inte',
    'Vår nyfödde son har haft 38,5 sedan i eftermiddags',
    'Helt plötslig huvudvärk, som att bli slagen i bakhuvudet, värsta någonsin',
    'Jag orkar inte mer, jag kommer att ta livet av mig',
    'Min man har hjärtinfarkt, det känns som förra gången, ont i bröstet och vänster arm',
    "My mum is confused, her face is lopsided and she can't lift her arm",
    "I've cut my wrist and it's bleeding a lot",
    'My son is having trouble breathing and his lips are turning blue',
    "There's something wrong with my husband, he's unresponsive",
]


@pytest.mark.parametrize("text", TENTH_AKUT)
def test_tenth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", TENTH_TRICKY)
def test_tenth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Eleventh round: "som en blixt", pills in front of me, no contact, face dropped.
ELEVENTH_TRICKY = [
    'Pappa som hade stroke förra året vill veta om han får köra bil.',
    'Jag har ont i bröstet när jag trycker på revbenen efter att jag ramlade, andas normalt.',
    'Kan man ta blodtrycksmedicin och Viagra samtidigt? Har haft hjärtinfarkt.',
    'Min dotter hade hög feber som nyfödd och vi undrar om det påverkar vaccinationerna nu.',
    'Vad är normalt blodsocker? Min mamma svimmade en gång av lågt socker.',
    "I had a panic attack last night and thought I couldn't breathe, I'm okay now.",
    "We'd like information on suicide prevention for our school staff.",
]
ELEVENTH_AKUT = [
    'Jag har fått ett kraftigt tryck över bröstet när jag bar '
    'upp matkassarna och jag är kallsvettig',
    'Min fru pratar helt obegripligt sedan tio minuter och ena mungipan hänger',
    'Min son har en djup skärskada i låret och det blöder kraftigt trots att vi trycker',
    'Jag har en fruktansvärd huvudvärk som kom som en blixt från klar himmel',
    'Hjälp, dottern är 7 veckor och har 38,4 i feber',
    'Han har ätit nötter och nu har han nässelutslag över hela kroppen och andas pipigt',
    'Jag sitter med tabletterna framför mig och tänker ta dem allihop',
    'Pappa sitter i stolen och går inte att få kontakt med',
    'Min bebis andas jättekonstigt och är blåaktig runt munnen',
    "I am having crushing chest pain and I feel like I'm going to pass out",
    "My dad can't speak properly and the right side of his face has dropped",
    'I think my daughter is having an allergic reaction, her throat is closing',
    'My partner said goodbye and says he is going to end his life',
]


@pytest.mark.parametrize("text", ELEVENTH_AKUT)
def test_eleventh_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", ELEVENTH_TRICKY)
def test_eleventh_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Twelfth round: hard to wake, barely responding, nurses and elderly writers.
TWELFTH_TRICKY = [
    'Min man har haft svårt att prata sedan stroken i våras, vi vill ha logoped.',
    'Jag har skadat mig själv tidigare men har inte gjort det på ett år, vill ha fortsatt stöd.',
    'Fick en smäll mot huvudet igår på träningen, lite huvudvärk, inget annat.',
    'Sonen på 4 månader har fått sina vacciner, ingen feber, bara lite gnällig.',
    'My dad had bleeding after his tooth extraction but it stopped quickly.',
    'Kan man ha ont i bröstet av halsbränna?',
]
TWELFTH_AKUT = [
    'HEJ JAG ÄR 83 ÅR OCH HAR SÅ ONT I BRÖSTET OCH KAN INTE ANDAS ORDENTLIGT',
    'Boende på avdelning 3 har blivit plötsligt slö, talar sluddrigt '
    'och vänster sida är svag, kommunsjuksköterska',
    'Jag är gravid i vecka 36 och blöder kraftigt med ont i magen',
    'Min kompis har druckit massor och tagit tabletter och vi kan inte väcka henne',
    'Jag har skadat mig själv och det blöder jättemycket',
    'Min son har fått ett slag mot huvudet, kräks och är svår att väcka',
    'Sambon har diabetes och är helt förvirrad och svettig, vi får '
    'inte i honom något socker och han svarar knappt',
    'Min bebis på fem veckor har feber och vill inte äta',
    'Dottern har fått en allergisk reaktion, svullen i hela ansiktet och pipande andning',
    'Jag känner att jag inte vill leva och har en kniv här',
    "He is clutching his chest and can't breathe",
    "My mum suddenly can't see properly, her speech is garbled and her arm is weak",
    "Bleeding won't stop after my tooth extraction, the gauze is soaked every few minutes",
    'My 4 week old is burning up, 38.9',
]


@pytest.mark.parametrize("text", TWELFTH_AKUT)
def test_twelfth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", TWELFTH_TRICKY)
def test_twelfth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Thirteenth round: colloquial infant fever, tight throat after a new tablet, "göra slut på mig".
THIRTEENTH_TRICKY = [
    'Bebisen är 10 veckor och har varit snuvig, ingen feber, äter bra.',
    'Jag har migrän och huvudvärken är som vanligt, behöver nytt recept på sumatriptan.',
    'Min son hade en allergisk reaktion på penicillin som liten, kan han få annan antibiotika?',
    'Jag har inga tankar på att skada mig själv men jag mår dåligt.',
    'Tandläkaren sa att jag kan blöda lite efter utdragningen, är det normalt att det blöder lite?',
]
THIRTEENTH_AKUT = [
    'vår lilla kille är 6 v och har tempen 38,1',
    'Bebben är bara tre veckor och är jättevarm, 38,8 i rumpan',
    'Fick penicillin idag och nu har jag svårt att andas och svullna ögon',
    'Tog en ny värktablett och nu kliar hela kroppen och halsen känns trång',
    'Det känns som om huvudet ska sprängas, kom plötsligt för en halvtimme sedan',
    'Huvudvärk från ingenstans, värsta i mitt liv, nackstel',
    'Jag pallar inte mer, ska ta livet av mig',
    'Känner att jag vill göra slut på mig själv',
    'Min bror hotar att ta livet av sig och har ett rep',
    'Han har ramlat och slagit i huvudet och blöder massor ur örat',
    'My wound is spurting blood and I feel faint',
    'The baby is 10 days old and feels very hot',
    'I can feel my throat swelling after the antibiotic',
    'Ont i bröstet och ont i vänster arm, är 55 och rökare',
]


@pytest.mark.parametrize("text", THIRTEENTH_AKUT)
def test_thirteenth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", THIRTEENTH_TRICKY)
def test_thirteenth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Fourteenth round: one-sided weakness a quarter ago, sting with air hunger, "ta sitt liv".
FOURTEENTH_TRICKY = [
    'Hej, pappa som fick en stroke förra sommaren behöver hjälp med sin rullator.',
    'Kan getingstick vara farliga för barn? Vi ska på picknick.',
    'Jag har aldrig haft en allergisk reaktion men vill testa mig för nötter.',
    'Har ingen feber men bebisen på 6 veckor hostar lite, är det okej att vänta?',
    'Min bror pratade om självmord för flera år sedan, nu mår han bra.',
]
FOURTEENTH_AKUT = [
    'Ont i bröstet sedan en timme, det strålar ut i vänster axel och jag mår illa',
    'Pappa kan inte röra vänster arm och ben, det började för en kvart sedan',
    'Jag har fått en stor blödning från näsan som inte slutar trots att jag tryckt i 30 minuter',
    'Mamma har fått ett getingstick och säger att hon har svårt att få luft',
    'Min son säger att han vill ta sitt liv',
    'Min man ligger medvetslös i badrummet',
    'Vår dotter på sex veckor har 38,2 och gråter svagt',
    'Plötslig skarp huvudvärk som känns som den värsta någonsin och jag ser dubbelt',
    'Jag andas jättedåligt och läpparna är blåa',
    'My brother is threatening to kill himself and has a gun',
]


@pytest.mark.parametrize("text", FOURTEENTH_AKUT)
def test_fourteenth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", FOURTEENTH_TRICKY)
def test_fourteenth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Fifteenth round: slurred ("grötigt") speech, choking. A nursing mother's own fever next to
# a two-month-old is deliberately still flagged: infant fever errs towards 112.
FIFTEENTH_TRICKY = [
    'Hej, jag har tidigare haft kärlkramp och undrar om jag ska ha nitro hemma.',
    'Vad gör man om ett barn sätter något i halsen? Vi vill vara förberedda.',
    'Min pappa reagerar inte på ljud lika bra som förr, behöver han hörapparat?',
    'Jag ser blått ljus i ögonvrån ibland, vad kan det vara?',
]
FIFTEENTH_AKUT = [
    'Jag har ett brännande tryck i bröstet och känner mig svimfärdig',
    'Farfar har plötsligt fått svårt att gå och pratar grötigt',
    'Efter förlossningen i går blöder jag så mycket att det rinner ner på golvet',
    'Dottern åt en kaka med nötter, nu är hon svullen runt ögonen och har svårt att andas',
    'Jag vill bara dö, jag har tagit alla mina antidepressiva',
    'Mamma är blå i ansiktet och reagerar inte när vi ropar',
    'Vår dotter är en månad gammal och har 38,6',
    'Min man har helt plötsligt fått en blixtrande huvudvärk och kan inte titta mot ljuset',
    'Min son kan inte få luft efter att han satte i halsen',
    "She suddenly can't move her left side and her speech is off",
]


@pytest.mark.parametrize("text", FIFTEENTH_AKUT)
def test_fifteenth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", FIFTEENTH_TRICKY)
def test_fifteenth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Sixteenth round: "två gånger den senaste timmen" is now, foam at the mouth, turned blue.
# Vomiting a little blood after a nosebleed that has settled is still flagged (errs to 112).
SIXTEENTH_TRICKY = [
    'Min man har blodpropp i benet sedan förra månaden och äter Eliquis, behöver förnya.',
    'Jag vill få hjälp mot min dödsångest, jag är inte självmordsbenägen.',
    'Our baby is 8 weeks and had her vaccines today, no fever, just sleepy.',
]
SIXTEENTH_AKUT = [
    'Jag har fått hemska bröstsmärtor och andas snabbt',
    'Min man har fått en propp i hjärnan tror jag, han kan inte prata',
    'Pappa har kräkts blod två gånger den senaste timmen',
    'Dottern har blivit stucken av ett bi och säger att hon '
    'inte kan svälja och får svårt att andas',
    'Har skrivit ett brev till min familj och tänker ta mitt liv inatt',
    'Min son svarar inte och har fradga runt munnen',
    'Vår son är 8 veckor gammal och har 38,0',
    'Mamma säger att hon har världens värsta huvudvärk och hon kräks',
    'Pappa andas så konstigt och är helt blå',
    "I think my mum is having a stroke, she can't talk",
]


@pytest.mark.parametrize("text", SIXTEENTH_AKUT)
def test_sixteenth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", SIXTEENTH_TRICKY)
def test_sixteenth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Seventeenth round: fear of dying with chest pain, odd speech and dropping things, grunting.
SEVENTEENTH_TRICKY = [
    'Jag är 75 och har lite ont i bröstet när jag går i backar sedan ett år, vill ha en tid.',
    'Vad innebär det att ha förmaksflimmer och strokerisk?',
    'Min son hade en panikattack och trodde han skulle dö, nu är han lugn, vill ha kuratorstid.',
    'Jag tappar rösten och kan inte prata, halsont',
]
SEVENTEENTH_AKUT = [
    'Jag har ont i bröstet och det känns som jag ska dö',
    'Min fru har blivit konstig i talet och tappar kaffekoppen hela tiden sedan lunch',
    'Jag blöder ur ändtarmen, mycket blod och jag är yr',
    'Fick en bi-stick i tungan och nu är det svårt att andas',
    'Jag har gett upp, jag ska avsluta allt ikväll',
    'Mannen på rum 4 är okontaktbar och har långa andningsuppehåll',
    'Vår 9 veckor gamla bebis har feber',
    'Huvudvärk som exploderade i bakhuvudet för en timme sedan',
    'Lillkillen andas med grymtande ljud och är grå',
    "My daughter took a lot of her mum's pills, she's very drowsy",
]


@pytest.mark.parametrize("text", SEVENTEENTH_AKUT)
def test_seventeenth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", SEVENTEENTH_TRICKY)
def test_seventeenth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Answers to the clinic's questions: the red flags asked about are denied after them.
ANSWERED_TRICKY = [
    'Ni frågade om jag har andnöd eller bröstsmärta: nej, inget av det. Bara hosta sedan en vecka.',
    'Angående era frågor om svimning och bröstsmärta – inget av detta, bara hjärtklappning ibland.',
    'You asked about chest pain or shortness of breath - none of that, just a cough for a week.',
    'Kramper eller medvetslöshet? Nej inget av dem, han är bara trött efter febern.',
]
ANSWERED_AKUT = [
    'Bröstsmärta och andnöd sedan en timme. Feber? Nej.',
    'Ni frågade om feber: nej. Men nu har jag fått tryck över bröstet och kallsvettas.',
    'Har svår andnöd och läpparna är blå, nej jag vet inte vad jag ska göra',
]


@pytest.mark.parametrize("text", ANSWERED_AKUT)
def test_answers_that_deny_something_else_stay_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", ANSWERED_TRICKY)
def test_answers_that_deny_the_red_flags(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# A baby who pulls up to stand ("drar sig upp") is no near-drowning.
PULLS_UP_TRICKY = [
    'Min son är 11 månader och börjar dra sig upp överallt. Hur gör vi hemmet säkert?',
    'Hon har börjat dra sig upp till stående vid soffan, är det normalt vid 8 månader?',
]
PULLED_OUT_AKUT = [
    'Vi fick dra upp honom ur vattnet, han hostar och är blå om läpparna.',
    'Lillebror drogs upp från botten av poolen nyss och andas konstigt.',
]


@pytest.mark.parametrize("text", PULLED_OUT_AKUT)
def test_pulled_out_of_the_water(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", PULLS_UP_TRICKY)
def test_pulling_up_to_stand(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Eighteenth round (the corpus's twelfth): an electric-shock burn, pills a toddler swallowed.
EIGHTEENTH_AKUT = [
    'Dottern 4 år stack en nyckel i eluttaget och fick en stöt, hon har ett brännmärke på handen.',
    'Lillebror 2 år hann stoppa i sig några av farmors blodtryckstabletter innan vi såg det.',
    'Hon fick en känning i natt och vaknade inte, jag gav glukagon för tio minuter sedan.',
    'I had my baby last week, I keep seeing shadows moving in the nursery and cannot sleep.',
]
EIGHTEENTH_TRICKY = [
    'Jag stoppade i mig en hel påse godis igår och har lite ont i magen.',
    'Hon har ett litet brännmärke från strykjärnet sedan förra veckan, det läker fint.',
    'Brände mig lite på underarmen när jag svetsade, en liten blåsa.',
    'Sonen ska på läger. Ska ledarna ha glukagon med sig och kunna ge det?',
    'Fastnade en bit kyckling i halsen i går, frugan gjorde Heimlich och den kom upp. '
    'Nu skaver det lite.',
]


@pytest.mark.parametrize("text", EIGHTEENTH_AKUT)
def test_eighteenth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", EIGHTEENTH_TRICKY)
def test_eighteenth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# A measured 140/90 or more in pregnancy is for today; a known diagnosis or an average is not.
PREGNANCY_BP_TODAY = [
    'Gravid i vecka 33, barnmorskan mätte 150/100 i går och jag mår bra.',
    'Jag fick barn för tre veckor sedan och blodtrycket hemma är 146/94 i kväll.',
]
PREGNANCY_BP_ROUTINE = [
    'Jag har högt blodtryck och är gravid i vecka 12, vilken medicin kan jag ta?',
    'Blodtrycket hemma ligger på 148/94 i snitt, jag är 52, måste jag ha medicin?',
]


@pytest.mark.parametrize("text", PREGNANCY_BP_TODAY)
def test_a_high_reading_in_pregnancy_is_for_today(router: Router, text: str) -> None:
    assert router.route(text).urgency in ("bradskande", "akut")


@pytest.mark.parametrize("text", PREGNANCY_BP_ROUTINE)
def test_high_blood_pressure_without_pregnancy_or_reading(router: Router, text: str) -> None:
    assert router.route(text).urgency in ("rutin", "snart")


# A child given a double dose who now has symptoms is a poisoning; a child who is fine is not.
CHILD_DOUBLE_DOSE_AKUT = [
    'Min son 8 år fick dubbel dos av sin ADHD-medicin i morse och nu har han hjärtklappning, '
    'är darrig och väldigt orolig.',
    'Dottern 5 år fick dubbel dos av lillebrors medicin och nu kräks hon och är konstig.',
]
CHILD_DOUBLE_DOSE_CALM = [
    'Min son 6 år fick dubbel dos penicillin i kväll, han mår bra och leker.',
]


@pytest.mark.parametrize("text", CHILD_DOUBLE_DOSE_AKUT)
def test_a_child_with_symptoms_after_a_double_dose_is_akut(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", CHILD_DOUBLE_DOSE_CALM)
def test_a_well_child_after_a_double_dose_is_not_akut(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


# Round 13: a frequency is a habit, a plan or alarm is no event, ruling out is no finding, a
# fear of what may happen is hypothetical, and a near-drowning of a neighbour's child is over.
NINETEENTH_TRICKY = [
    'Our son has night-time seizures a few times a year. Should he have a seizure alarm in '
    'his bed?',
    'We need an updated seizure plan for her new school, who writes it?',
    'Dottern har feber och snuva, jag gjorde glastestet för hjärnhinneinflammation och hittade '
    'inga prickar. Hon är pigg och leker.',
    'Jag är livrädd att han ska sätta i halsen nu när han har börjat äta fingermat. Har ni '
    'tips?',
    'Grannens pojke höll på att drunkna i sjön i helgen, han är okej nu. Hur lär jag mina barn '
    'att vara säkra vid vatten?',
    'Sonen satte en köttbit i halsen i går. Jag gjorde ryggslag och den kom upp, han hostade '
    'lite efteråt men sedan var han helt som vanligt. Ska han kollas?',
    'När hon var 6 veckor hade hon 38,3 i feber, det var i våras. Nu undrar jag om '
    'vaccinationerna.',
]
NINETEENTH_EMERGENCIES = [
    'Han krampar nu och det slutar inte, vi följde hans anfallsplan men Buccolam hjälpte inte.',
    "I'm afraid he is having a stroke, his face is drooping and he can't lift his arm.",
    'Hon har 39 i feber och prickar som inte bleknar när jag gör glastestet.',
    'Min son satte en godisbit i halsen. Jag gjorde ryggslag och den kom upp men nu andas han '
    'konstigt och är blå om läpparna.',
    'Vår son är 7 veckor och fick sina vaccin i förrgår. Nu har han 38,4 och är slö.',
    'Our daughter is 5 weeks old and had her check-up last week; tonight she has a '
    'temperature of 38.4.',
]


@pytest.mark.parametrize("text", NINETEENTH_TRICKY)
def test_nineteenth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


@pytest.mark.parametrize("text", NINETEENTH_EMERGENCIES)
def test_nineteenth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


# An infant's age told in the present ("är 6 veckor") holds now, even when the sentence tells of
# an operation or vaccines in the past: the infant-fever presentation itself must fire.
PRESENT_AGE_INFANT_FEVER = [
    'Vår dotter är 6 veckor och opererades för ljumskbråck i förrgår. Nu har hon 38,3 och vill '
    'inte äta.',
    'Vår son är 7 veckor och fick sina vaccin i förrgår. Nu har han 38,4 och är slö.',
    'Our daughter is 5 weeks old and had her check-up last week; tonight she has a '
    'temperature of 38.4.',
]


@pytest.mark.parametrize("text", PRESENT_AGE_INFANT_FEVER)
def test_present_infant_age_fires_infant_fever(router: Router, text: str) -> None:
    d = router.route(text)
    assert d.urgency == "akut", d.reasons
    assert d.red_flag_kind == "infant_fever", d.reasons


# The question a fronted condition leads to is hypothetical too; someone else's event today is
# over for the writer once the ambulance has taken them.
TWENTIETH_TRICKY = [
    'Om Johan får ett anfall på bussen till dagverksamheten, får chauffören ge honom Buccolam?',
    'If my son has a seizure at school, can the teacher give him the rescue medicine?',
    'En passagerare fick ett krampanfall på bussen idag, ambulansen kom och tog honom. Jag som '
    'chaufför mår dåligt efteråt och kan inte sova.',
]
TWENTIETH_EMERGENCIES = [
    'Om det går bra, han har ont i bröstet och svettas, vad ska vi göra?',
    'Om ni har tid, kan ni ringa? Pappa har svårt att andas och är blå om läpparna.',
    'Om han krampar nu i mer än fem minuter, ska jag ge Buccolam? Han har krampat i sex minuter.',
    'Min kollega fick ont i bröstet nu på jobbet, ambulansen är på väg, vad gör vi under tiden?',
]


@pytest.mark.parametrize("text", TWENTIETH_TRICKY)
def test_twentieth_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


@pytest.mark.parametrize("text", TWENTIETH_EMERGENCIES)
def test_twentieth_round_emergencies(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


# What a programme, a leaflet or a course said; advice told as a condition; a past told by an
# age or "för ett par år sedan"; "ibland när …" as a habit; a condition that goes on after a
# comma; someone admitted to hospital; well again the same evening after care.
TWENTY_FIRST_TRICKY = [
    'För ett par år sen fick jag en blödning i ögat och såg inget på höger öga i några veckor.',
    'Höll på att drunkna när jag var sju. Nu har jag panik i vatten, finns det hjälp?',
    'Ibland när jag äter för fort känns det som ett tryck bakom bröstbenet, det går över efter '
    'en minut.',
    'Läste i bipacksedeln att man ska söka vård om ståndet håller i över fyra timmar. Det har '
    'aldrig hänt.',
    'The leaflet says to call 112 for sudden severe chest pain. I have soreness along the scar '
    'when I cough.',
    'Såg ett program på TV om hjärnblödning där de sa att plötslig svår huvudvärk kan vara '
    'farligt. Jag har ofta huvudvärk.',
    'Såg ett program om huggormsbett. Vi ska till landet i sommar, vad gör man om han blir biten?',
    "If my dad's blood sugar goes really low at night, and he won't wake up properly, what do "
    'we do?',
    'Min pappa ligger inne på avgiftning sen i måndags, han hade fått hallucinationer hemma. Kan '
    'jag prata med någon?',
    'Fick en kraftig allergisk reaktion i torsdags, svullen i ansiktet och svårt att andas. Fick '
    'adrenalin på akuten och blev bra samma kväll. Vad ska jag ta istället?',
]
TWENTY_FIRST_EMERGENCIES = [
    'Satt och såg på tv när jag plötsligt fick jätteont i bröstet, det strålar ut i vänster arm '
    'och jag svettas.',
    'Jag läste i bipacksedeln att man ska söka vård om man får svullen tunga. Nu är tungan '
    'svullen och jag har svårt att andas.',
    'It says to call 112 if the baby is floppy. She is floppy now and won\'t wake up properly.',
    'Ibland när jag står upp blir jag yr, men nu har jag ont i bröstet och kallsvettas sedan en '
    'timme.',
    'When I was seven I almost drowned. Now my son fell in the lake and he is not breathing '
    'properly, he is blue.',
    'Min man ligger inne på ortopeden. Jag själv har fått plötsligt jätteont i huvudet, värsta i '
    'mitt liv.',
    "If it is ok to ask, and my dad is now very confused and can't lift his right arm, what do "
    'we do?',
    'Fick en allergisk reaktion i torsdags och var på akuten. Nu har jag svårt att andas igen och '
    'svullen tunga.',
]


@pytest.mark.parametrize("text", TWENTY_FIRST_TRICKY)
def test_twenty_first_round_mentions(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


@pytest.mark.parametrize("text", TWENTY_FIRST_EMERGENCIES)
def test_twenty_first_round_emergencies(router: Router, text: str) -> None:
    d = router.route(text)
    assert d.urgency == "akut" and d.red_flag_kind is not None, d.reasons


# The sentence that ends an episode ends what it told before its "over"; a duration followed by
# "ago" tells when it began, not that it ended.
SAME_SENTENCE_OVER = [
    'Pappa kunde inte hitta orden i tio minuter i förmiddags men sedan blev allt som vanligt '
    'igen, nu pratar han normalt.',
    'My son choked on a grape at lunch, I did back blows and it came out and he was fine after.',
]
ONSET_NOT_OVER = [
    'Lost the vision in my right eye, like a curtain came down, about 15 minutes ago. No pain.',
    'Tappade synen på höger öga för ungefär tio minuter sedan, som en gardin.',
]


@pytest.mark.parametrize("text", SAME_SENTENCE_OVER)
def test_an_episode_ended_in_its_own_sentence_is_not_akut(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


@pytest.mark.parametrize("text", ONSET_NOT_OVER)
def test_minutes_ago_is_when_it_began(router: Router, text: str) -> None:
    d = router.route(text)
    assert d.urgency == "akut" and d.red_flag_kind is not None, d.reasons
