"""Named red-flag rules (life-threatening now -> call 112) and context cues.

A rule fires when one of its `alone` phrases, or one phrase from *each* group of a pair,
occurs in the message without a cancelling cue in the same clause (negation just before
the phrase, a past/history marker, or a hypothetical/question frame).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Group = tuple[str, ...]


@dataclass(frozen=True)
class RedFlagRule:
    kind: str
    label_sv: str
    alone: Group = ()
    # Each combo fires when every one of its groups has an uncancelled match.
    combos: tuple[tuple[Group, ...], ...] = field(default_factory=tuple)
    # Combos of generic words ("blöder" + "mycket") must meet within one sentence.
    local_combos: tuple[tuple[Group, ...], ...] = field(default_factory=tuple)


CHEST: Group = (
    "ont i bröstet", "bröstsmärta", "bröstsmärtor", "tryck över bröstet",
    "trycker över bröstet", "tryck i bröstet", "smärta i bröstet", "värk i bröstet",
    "bröstet värker", "ont över bröstet", "kramp i bröstet", "det trycker i bröstet",
    "chest pain", "pain in my chest", "pain in his chest", "pain in her chest",
    "pressure in my chest", "tightness in my chest", "chest tightness", "chest hurts",
    "crushing chest", "sitter på bröstet", "tryck på bröstet", "trycker på bröstet",
    "tyngd över bröstet", "tight chest", "chest is tight",
)
CHEST_LOCATION: Group = ("bröstet", "bröstkorgen", "chest")
PAIN: Group = (
    "crushed", "crushing", "squeezing", "klämmer", "tungt", "heavy",
    "ont", "smärta", "smärtor", "värk", "värker", "tryck", "trycker", "band", "kramp",
    "pain", "pains", "pressure", "tight", "tightness", "hurts", "aching",
)
CHEST_SEVERE: Group = (
    "ska dö", "going to die", "dödsångest",
    "så ont", "kan inte röra mig", "inte kan röra mig",
    "badly", "really bad", "hemskt", "outhärdligt",
    "väldigt ont", "mycket ont", "svår smärta", "intensiv", "severe pain",
    "plötsligt", "plötslig", "kraftig", "kraftigt", "fruktansvärt", "extremt", "akut", "112",
    "severe", "sudden", "suddenly", "crushing", "urgent", "terrible",
)
CHEST_COMPANION: Group = (
    "svårt att få luft", "dålig luft",
    "sweaty", "feels sick", "clammy",
    "grå", "grå i ansiktet", "blek", "pale", "grey", "gray", "svimmar", "nästan svimmar",
    "faint", "enough air", "can't get enough air", "tillräckligt med luft", "rusar",
    "left arm", "vänster arm", "arm is numb", "armen domnar",
    "ut i ryggen", "mellan skulderbladen", "into my back", "between my shoulder blades",
    "illamående", "mår illa", "svimfärdig", "nausea", "nauseous", "feel faint",
    "andfådd", "andfåddhet", "andnöd", "svårt att andas", "får inte luft", "får dålig luft",
    "kan inte andas", "strålar ut", "strålar", "kallsvettig", "kallsvettas", "svettas",
    "ont i vänster arm", "ut i armen", "ut i käken", "short of breath", "breathless",
    "can't breathe", "cant breathe", "cannot breathe", "shortness of breath", "radiating",
    "cold sweat",
    "sweating", "down my arm", "into my jaw", "trouble breathing",
)
BREATHING: Group = (
    "grymtande", "grymtar", "grunting",
    "helt blå", "andas så konstigt", "turned blue",
    "kan inte få luft", "satte i halsen och", "satt i halsen och",
    "läpparna är blåa", "läpparna är blå", "andas jättedåligt", "andas väldigt dåligt",
    "kan knappt prata", "can barely talk", "lips are turning blue", "turning blue",
    "going blue", "blir blå", "blå läppar", "blue lips",
    "slutat andas", "stopped breathing", "har slutat andas",
    "andas knappt", "can hardly breathe", "hardly breathing", "barely breathing",
    "kan inte prata hela meningar", "andas jättetungt", "andas väldigt tungt",
    "can't catch his breath", "can't catch her breath", "can't catch my breath",
    "wheezing badly", "can't finish sentences",
    "andnöd i vila", "drar in under revbenen", "indragningar", "andas med stor möda",
    "kan inte prata för andfåddheten",
    "kan inte andas", "inte kan andas", "kan knappt andas", "får inte luft", "får ingen luft",
    "kvävs", "håller på att kvävas", "blå om läpparna", "blåa läppar", "blå runt munnen",
    "jättesvårt att andas", "väldigt svårt att andas", "mycket svårt att andas",
    "kippar efter luft", "andas jättekonstigt", "can't breathe", "cant breathe", "cannot breathe",
    "can barely breathe", "struggling to breathe", "lips are blue", "lips turning blue",
    "choking", "gasping for air", "severe difficulty breathing",
)
STROKE: Group = (
    "pratar grötigt", "grötigt tal", "talar grötigt",
    "face has dropped", "face dropped", "side of his face", "side of her face",
    "lopsided", "face is lopsided", "face looks lopsided",
    "munnen är sned", "munnen sned", "mouth is crooked",
    "pratar obegripligt", "obegripligt", "talar otydligt", "otydligt tal", "pratar sluddrigt",
    "speech is slurred", "face looks droopy", "droopy",
    "tappat talet", "tappar talet", "förlorat talet", "lost his speech", "lost her speech",
    "ansiktet är snett", "snett ansikte", "sned i ena mungipan", "hänger i ansiktet",
    "sned i ansiktet", "sned i munnen", "sned mun", "hängande mungipa", "mungipan hänger",
    "munnen hänger", "ansiktet hänger", "sluddrar", "sluddrigt", "sluddrande", "sluddrig",
    "stroke", "slaganfall", "propp i hjärnan", "face drooping", "face is drooping",
    "drooping face", "slurred", "slurring", "slurred speech",
)
STROKE_WEAK: Group = (
    "kan inte röra vänster", "kan inte röra höger",
    "kan inte le", "hängande ögonlock", "le på ena sidan",
    "svårt att hitta orden", "hitta orden", "svag i höger", "svag i vänster", "svag i ena",
    "svag i armen", "arm went weak", "arm and leg",
    "lyder inte", "handen lyder inte", "armen lyder inte", "won't obey",
    "kan inte hålla i", "tappar greppet", "can't hold",
    "kan inte prata", "svårt att prata", "kan inte tala", "can't talk", "cannot talk",
    "talk properly", "arm is numb", "numb on one side", "domnar i ena", "ena armen domnar",
    "får inte fram orden", "kan inte lyfta armen",
    "kan inte röra armen", "kan inte röra benet", "domnad i ena", "förlamad", "ena sidan",
    "ena armen", "can't speak", "cannot speak", "can't lift", "can't move", "one side",
    "numb on one side", "arm is weak",
)
SPEECH_WEAK: Group = (
    "konstig i talet", "sluddrigt tal", "konstigt tal",
    "svårt att hitta orden", "hitta orden", "slurred his words", "slurred her words",
    "svårt att prata", "kan inte prata", "får inte fram orden", "pratar konstigt",
    "kan inte tala", "can't speak", "can't talk", "trouble speaking",
)
LIMB_WEAK: Group = (
    "tappar saker", "tappar koppen", "tappar kaffekoppen", "tappar allt", "drops things",
    "lyder inte", "kan inte lyfta armen", "kan inte röra armen", "kan inte röra benet",
    "ena armen", "ena handen", "ena sidan", "arm is weak", "can't lift", "can't move",
)
TOOK: Group = (
    "tagit", "tog", "svalt", "svalde", "tänker ta", "ska ta", "swallowed", "took", "taken",
    "going to take",
)
PILLS: Group = (
    "tabletter", "alvedon", "panodil", "paracetamol", "sömntabletter", "piller", "pills",
    "tablets", "sleeping pills",
)
MANY_PILLS: Group = (
    "a lot", "a lot of", "many",
    "allihop",
    "alla", "hela", "massa", "burk", "ask", "kartong", "10", "15", "20", "25", "30", "40",
    "50", "100", "all", "whole", "box", "bottle", "lots",
)
SUDDEN: Group = (
    "för en kvart sedan", "en kvart sedan",
    "minuter sedan", "min sedan", "timme sedan", "minutes ago", "började för",
    "sedan en stund", "en stund sedan", "sedan en kvart", "sedan en halvtimme",
    "plötsligt", "helt plötsligt", "nyss", "just nu", "sedan en timme", "för en stund sedan",
    "i morse", "suddenly", "all of a sudden", "just now", "an hour ago",
)
BLEEDING: Group = (
    "blodet pumpar", "pumpar ut blod", "blood is pumping",
    "blött genom", "blött igenom", "blöder igenom", "bindor på en timme",
    "blöder som fan", "blöder som en gris", "blöder som tusan", "bleeding like crazy",
    "inte går att stoppa", "can't stop the bleeding", "cannot stop the bleeding",
    "kaffesump", "coffee grounds", "blöder fortfarande kraftigt",
    "blodet sprutar", "blodet forsar", "blodet rinner", "mycket blod", "blöder och blöder",
    "blood is pouring", "spurting",
    "blöder kraftigt", "blöder massor", "blöder rejält", "blöder som en kran", "kraftig blödning",
    "kraftiga blödningar", "slutar inte blöda",
    "går inte att stoppa", "blöder jättemycket", "blöder väldigt mycket", "blöder mycket",
    "forsar blod", "sprutar blod", "kräks blod", "kräkts blod", "kräktes blod",
    "hostar blod", "hostar upp blod", "stor blödning", "massor av blod",
    "bleeding heavily", "heavy bleeding", "won't stop bleeding", "will not stop bleeding",
    "bleeding a lot", "vomiting blood", "coughing up blood", "blood everywhere",
    "soaking through",
)
ANAPHYLAXIS: Group = (
    "halsen känns trång", "trång i halsen", "halsen är trång", "throat feels tight",
    "tungan sväller", "halsen sväller", "tongue is swelling up",
    "tongue is swollen", "tongue swollen", "tungan svullnar",
    "throat feels tight", "throat is tight",
    "anafylaxi", "anafylaktisk", "anafylaktisk chock", "svullnar i halsen",
    "svullen i halsen", "halsen svullnar", "svullen tunga", "tungan svullnar",
    "tungan är svullen", "svullnar tungan", "svullnar halsen", "svullnar i ansiktet och halsen",
    "halsen sväller", "sväller i halsen", "anaphylaxis",
    "anaphylactic", "throat is swelling", "throat swelling", "throat is closing",
    "tongue is swelling", "swollen tongue",
)
ALLERGEN: Group = (
    "bi-stick", "stick i tungan", "i tungan",
    "cashew", "cashews", "mandel", "ägg", "egg", "fisk",
    "getingstick", "geting", "bistick", "stucken", "stack", "nötter", "jordnötter",
    "nötallergi", "allergisk", "allergisk reaktion", "allergi", "penicillin", "räkor",
    "sting", "stung", "wasp", "bee", "peanut", "peanuts", "nuts", "allergic",
    "allergic reaction", "shellfish",
)
ALLERGY_SEVERE: Group = (
    "svårt att få luft", "får inte luft", "dålig luft",
    "svårt att svälja", "trouble swallowing", "hard to swallow",
    "svårt att andas", "andnöd", "andas tungt", "svullen i ansiktet", "ansiktet svullnar",
    "läpparna svullnar", "svullna läppar", "svullen i läpparna", "svimfärdig", "svimmar",
    "svimmade", "nässelutslag över hela kroppen", "utslag över hela kroppen",
    "hes och", "väser", "pipande andning", "trouble breathing", "difficulty breathing",
    "hard to breathe", "lips are swelling", "face is swelling", "face swelling", "lips swelling",
    "swollen lips", "fainted", "fainting", "hives all over", "wheezing",
)
SUICIDAL: Group = (
    "avsluta allt", "ska avsluta allt",
    "ta sitt liv", "ta sitt eget liv", "ta mitt eget liv",
    "göra slut på mig själv", "göra slut på mig", "ta kål på mig", "döda mig själv",
    "end his life", "end her life", "going to end", "ta dem allihop",
    "hoppa från bron", "hoppa framför tåget", "hänga mig", "jump off", "jump in front of",
    "hang myself",
    "för att dö", "klarar inte natten", "klarar natten", "inte vara kvar", "vill inte vara kvar",
    "whole box", "whole bottle", "hela asken", "en hel ask", "en hel kartong", "to die",
    "avskedsbrev", "goodbye letter", "suicide note", "vill dö",
    "alla mina tabletter", "alla mina sömntabletter", "alla mina piller", "tagit alla mina",
    "vill inte leva", "vill inte leva mer", "samlat tabletter", "samlar tabletter",
    "take all my pills", "all my pills", "can't go on", "cannot go on",
    "inte orkar leva", "vill inte finnas", "bättre om jag var död", "better off dead",
    "vill försvinna för alltid",
    "ta livet av mig", "ta mitt liv", "tar livet av mig", "vill dö", "inte vill leva",
    "inte vilja leva", "orkar inte leva", "vill inte leva längre", "självmord",
    "självmordstankar", "suicid", "suicidtankar", "skada mig själv", "göra slut på allt",
    "ta livet av sig", "tänker ta livet", "har tabletterna framme", "avsluta mitt liv",
    "överdos", "tagit en hel burk", "en hel burk", "massa tabletter",
    "overdose", "overdosed", "took all my pills", "whole bottle of pills",
    "kill myself", "killing myself", "ending my life", "hurting myself", "suicide", "suicidal",
    "end my life", "want to die",
    "don't want to live", "do not want to live", "harm myself", "end it all",
    "take my own life", "kill himself", "kill herself",
)
UNCONSCIOUS: Group = (
    "svår att väcka", "svårväckt", "hard to wake", "difficult to wake", "han svarar knappt",
    "hon svarar knappt", "barely responding",
    "går inte att få kontakt med", "inte att få kontakt med",
    "isn't responding", "is not responding",
    "krampanfall som inte slutar", "kramper som inte slutar", "seizure won't stop",
    "seizure that won't stop", "won't wake", "kan inte väcka honom", "kan inte väcka henne",
    "okontaktbar", "okontaktbart", "helt borta", "svarar inte alls",
    "medvetslös", "medvetslösa", "svarar inte på tilltal", "reagerar inte", "går inte att väcka",
    "vaknar inte", "kan inte väcka", "kan inte få kontakt med", "andas inte",
    "unconscious", "not responding", "won't wake up", "can't wake", "cannot wake",
    "unresponsive", "not breathing",
)
COLLAPSE: Group = (
    "fradga", "fradga runt munnen", "foaming", "foam",
    "på golvet", "on the floor", "hittade",
    "krampanfall", "kramper", "krampar", "seizure", "fit",
    "svimmade", "ramlade ihop", "föll ihop", "segnade ihop", "ligger på golvet", "kollapsade",
    "collapsed", "passed out", "fainted",
)
NO_RESPONSE: Group = (
    "andas ryckigt", "agonal",
    "vakar inte",
    "helt slapp", "slapp", "limp", "floppy",
    "svarar inte", "vaknar inte", "kommer inte till sig", "är borta", "slö och svarar inte",
    "ingen kontakt", "får ingen kontakt", "andas konstigt", "andas inte", "not waking",
    "isn't responding", "doesn't respond", "won't respond",
)
FEVER: Group = (
    "hot", "feels hot", "burning up", "jättevarm", "glödhet",
    "feber", "febrig", "tempen", "temp", "tempvarde", "grader", "varm",
    "fever", "temperature", "high temp",
)
INFANT_WORDS: Group = ("nyfödd", "nyfödda", "nyfött", "newborn", "new born", "neonate")
BLEED_WORDS: Group = ("blöder", "blödning", "blödningen", "bleeding", "bleed")
BLEED_HEAVY: Group = (
    "som fan", "som tusan", "som en gris", "like crazy",
    "kraftigt", "kraftig", "jättemycket", "massor", "mycket", "inte går att stoppa",
    "går inte att stoppa", "slutar inte", "heavily", "heavy", "a lot", "won't stop",
)
FACE_SWELLING: Group = (
    "tongue is swollen", "tongue swollen", "svullen tunga", "tungan är svullen",
    "svullnar läpparna", "läpparna svullnar", "svullna läppar", "svullen i ansiktet",
    "ansiktet svullnar", "svullnar i ansiktet", "svullen tunga", "tungan svullnar",
    "lips swelling", "lips are swelling", "face swelling", "face is swelling", "swollen lips",
    "swollen face",
)
BREATH_TROUBLE: Group = (
    "hardly breathe", "can hardly breathe", "andas knappt",
    "svårt att andas", "andas tungt", "väser", "pipande andning", "andnöd",
    "trouble breathing", "difficulty breathing", "wheezing", "hard to breathe",
    "can't breathe",
)
BREATH_DIFFICULTY: Group = (
    "svårt att andas", "andnöd", "andas tungt", "difficulty breathing", "trouble breathing",
    "hard to breathe", "struggling to breathe", "short of breath",
)
INTENSITY: Group = (
    "väldigt", "jätte", "mycket", "extremt", "plötsligt", "hjälp", "akut", "really",
    "very", "severe", "severely", "suddenly", "help", "urgent",
)
VOMIT_COUGH: Group = (
    "kräks", "kräkts", "kräktes", "kräkas", "hostar", "hostat", "hostade", "vomiting",
    "vomited", "throwing up", "coughing",
)
BLOOD: Group = ("blod", "blodigt", "blood", "bloody")
THUNDERCLAP: Group = (
    "värsta huvudvärken", "värsta huvudvärk", "huvudvärk som en blixt", "exploderar i huvudet",
    "värsta jag haft", "worst headache", "thunderclap", "head is exploding",
)
HEADACHE: Group = ("huvudvärk", "ont i huvudet", "huvudet", "headache")
HEADACHE_SEVERE: Group = (
    "som en blixt", "från klar himmel", "blixt", "out of the blue",
    "värsta", "aldrig haft så ont", "som ett slag", "som en smäll", "som ett blixtnedslag",
    "exploderar", "kom som en smäll", "worst", "ever had", "like a thunderclap",
)

HEADACHE_SUDDEN: Group = (
    "helt plötsligt", "kom plötsligt", "plötslig och", "came on suddenly", "out of nowhere",
    "sudden severe",
)

RULES: tuple[RedFlagRule, ...] = (
    RedFlagRule(
        "chest_pain_breathless",
        "bröstsmärta med andfåddhet eller annat varningstecken",
        combos=((CHEST, CHEST_COMPANION), (CHEST, CHEST_SEVERE)),
        local_combos=(
            (CHEST_LOCATION, PAIN, CHEST_COMPANION),
            (CHEST_LOCATION, PAIN, CHEST_SEVERE),
        ),
    ),
    RedFlagRule(
        "stroke",
        "tecken på stroke",
        alone=STROKE,
        combos=((STROKE_WEAK, SUDDEN), (SPEECH_WEAK, LIMB_WEAK)),
    ),
    RedFlagRule(
        "bleeding",
        "kraftig blödning",
        alone=BLEEDING,
        combos=((VOMIT_COUGH, BLOOD),),
        local_combos=((BLEED_WORDS, BLEED_HEAVY),),
    ),
    RedFlagRule(
        "anaphylaxis",
        "allergisk chock (anafylaxi)",
        alone=ANAPHYLAXIS,
        combos=((ALLERGEN, ALLERGY_SEVERE), (FACE_SWELLING, BREATH_TROUBLE)),
    ),
    RedFlagRule(
        "suicidal",
        "självmordstankar eller överdos",
        alone=SUICIDAL,
        local_combos=((TOOK, PILLS, MANY_PILLS),),
    ),
    RedFlagRule(
        "unconscious", "medvetslöshet", alone=UNCONSCIOUS, combos=((COLLAPSE, NO_RESPONSE),)
    ),
    RedFlagRule(
        "infant_fever", "feber hos spädbarn under tre månader", combos=((FEVER, INFANT_WORDS),)
    ),
    RedFlagRule(
        "thunderclap_headache",
        "plötslig svår huvudvärk",
        alone=THUNDERCLAP,
        combos=((HEADACHE, HEADACHE_SEVERE), (HEADACHE, HEADACHE_SUDDEN)),
    ),
    RedFlagRule(
        "breathing",
        "svår andnöd",
        alone=BREATHING,
        local_combos=((BREATH_DIFFICULTY, INTENSITY),),
    ),
)

# Cues, as folded surface tokens or token sequences.
NEGATIONS: frozenset[str] = frozenset(
    "inte ej ingen inga inget aldrig utan no not never without don't doesn't didn't "
    "haven't hasn't isn't wasn't n't nt dont doesnt didnt".split()
)
# Past events and family history ("min pappa hade ... för tio år sedan").
PAST_CUES: tuple[str, ...] = (
    "hade", "förra året", "förra veckan", "förra månaden", "förra sommaren", "förra vintern",
    "i fjol", "för länge sedan", "år sedan", "års sedan", "månader sedan", "veckor sedan",
    "tidigare", "när jag var", "när han var", "när hon var", "som barn", "dog av", "dog i",
    "avled", "gick bort", "i somras", "i våras", "i höstas", "i vintras",
    "på 90-talet", "opererades", "last year", "years ago", "months ago", "weeks ago",
    "had a", "had an", "used to", "history of", "died of", "died from", "passed away",
    "in the past", "previously", "back in", "when i was", "last summer", "a while ago",
    "förra", "två gånger", "en gång", "twice", "once", "trodde att", "trodde jag",
    "thought i",
)
# Questions about symptoms and hypothetical situations.
HYPOTHETICAL_CUES: tuple[str, ...] = (
    "vad ska man göra om", "vad gör man om", "vad gör man när", "om man", "om någon",
    "om jag skulle", "om hon skulle", "om han skulle", "ifall", "vilka är symtomen",
    "symtomen på", "symtom på", "tecken på", "hur känner man igen", "hur vet man",
    "risk för", "riskerar", "rädd för att få", "orolig för att få", "förebygga",
    "information om", "broschyr", "läste om", "läst om", "föreläsning", "kurs i", "utbildning",
    "hjärt-lungräddning", "första hjälpen", "what should i do if", "what to do if",
    "what are the symptoms", "symptoms of", "signs of", "how do i know", "how do you know",
    "risk of", "afraid of getting", "worried about getting", "if someone", "if i ever",
    "in case", "what happens if", "at what", "just asking", "when should", "när ska man",
    "hur hög", "how high", "prevent", "first aid", "read about",
    "kan ge", "ge stroke", "orsaka", "orsakar", "leda till", "ökar risken", "minska risken",
    "can cause", "cause a", "lead to", "increase the risk", "reduce the risk",
    "vad räknas", "räknas som", "what counts as", "what is considered", "agera om",
    "hur ska vi göra om", "hur gör vi om", "om hon får", "om han får", "om jag får",
    "om vi får", "om mamma får", "om pappa får", "om mormor får", "om morfar får",
    "om farmor får", "om farfar får", "om det händer", "if she gets", "if he gets",
    "if i get", "if it happens", "can anxiety", "can stress", "kan ångest", "kan stress",
    "make you feel", "feel like you",
    "som förr", "hörapparat", "på ljud",
    "läste på", "läst på", "read on", "googlat", "googled", "information on",
    "information about", "prevention", "förebyggande", "förebygga",
    "läste att", "läst att", "hört att", "read that", "heard that", "hur vanligt",
    "how common", "kan man dö av", "can you die from", "can you die of",
    "something to worry about", "during periods", "during my period", "under mensen",
    "vid mens",
    "förklara", "vad är", "vad innebär", "vad betyder", "what is", "explain", "what does",
    "ärftlighet", "ärftligt", "ärftlig", "i släkten", "släkten", "runs in the family",
    "family history", "hereditary", "genetic",
)
# Named conditions (not symptoms): "har haft stroke" is history, while "har haft ont i
# bröstet sedan i morse" is still going on, so these verbs only cancel condition names.
CONDITION_NAMES: frozenset[str] = frozenset(
    "stroke slaganfall anafylaxi anafylaktisk suicid självmord självmordsförsök hjärtinfarkt "
    "anaphylaxis anaphylactic suicide".split()
)
CONDITION_HISTORY_CUES: tuple[str, ...] = (
    "haft", "drabbades", "drabbats", "genomgått", "överlevde", "efter", "has had", "have had",
    "survived", "after",
)
# The episode is over; checked over the whole sentence ("..., men det har slutat").
RESOLVED_CUES: tuple[str, ...] = (
    "det har slutat", "det gick över", "det har gått över", "har slutat blöda",
    "slutade blöda", "nu är jag lugn", "mår bra nu", "it stopped", "it went away",
    "it has stopped", "has stopped bleeding", "i'm fine now", "i am fine now",
    "nu är det bättre", "det är bättre nu", "bättre nu", "better now", "it's better now",
    "menar det inte", "menade det inte", "doesn't mean it", "didn't mean it",
)
# "farfars stroke", "my mother's stroke": someone's condition named, not described.
POSSESSIVES: frozenset[str] = frozenset(
    "min mitt hans hennes deras var vart my his her their our 's mammas pappas farfars "
    "farmors morfars mormors makens makans mannens fruns sonens dotterns brors systers".split()
)
# Past cues are ignored when the same clause also says it is happening now.
NOW_CUES: tuple[str, ...] = (
    "nu", "just nu", "nyss", "idag", "i dag", "ikväll", "i kväll", "i natt", "inatt",
    "i morse", "igen", "now", "right now", "just now", "today", "tonight", "again",
    "minutes", "minuter", "senaste timmen", "den senaste timmen", "last hour", "past hour",
    "this morning",
)
# Tokens that end a clause for the cue window.
CLAUSE_BREAKS: frozenset[str] = frozenset(". , ; : ! ? och men eller så and but or so".split())
