"""Norwegian and Danish words as their Swedish twins, for messages written in a neighbour's
language.

Norwegians and Danes living in Sweden often write to the health centre in their own language,
and a Swedish reader understands them; the lemmatiser did not: "puster" was repaired to "pist",
"hvert" to "heart", and "leppene er blå" meant nothing. Each word here is folded (lower case,
å/æ → a, ø → o) and maps to the folded Swedish word a Swede would have written. A message is
read this way only when it holds at least two words that only the neighbours write ("jeg",
"ikke", "hva", …), so a Swedish message is never changed.
"""

from __future__ import annotations

from collections.abc import Sequence

_PAIRS = """
jeg:jag meg:mig deg:dig seg:sig hun:hon dere:ni mine:mina noe:nagot noen:nagon
ikke:inte ikkje:inte hva:vad hvordan:hur hvorfor:varfor hvis:om
hvert:varje hver:varje etter:efter fikk:fick blitt:blivit ble:blev vaert:varit sier:sager
skal:ska veldig:valdigt mye:mycket litt:lite bare:bara ogsa:ocksa og:och fordi:eftersom
plutselig:plotsligt pludselig:plotsligt nettopp:precis akkurat:precis fortsatt:fortfarande
klarer:klarar klare:klara greier:klarar snakke:prata snakker:pratar snakket:pratade
puste:andas puster:andas pustet:andades pusten:andningen pust:andning pustebesvaer:andningsbesvar
tungpustet:andfadd andenod:andnod vejrtraekning:andning vejret:andas
smerte:smarta smerter:smartor smertene:smartorna smerten:smartan vondt:ont ondt:ont
bryst:brost brystet:brostet brystsmerter:brostsmartor brystsmerte:brostsmarta
hjerte:hjarta hjertet:hjartat hjerteinfarkt:hjartinfarkt hjertebank:hjartklappning
hjerneslag:stroke hjerneblodning:hjarnblodning
hode:huvud hodet:huvudet hodepine:huvudvark hoved:huvud hovedet:huvudet hovedpine:huvudvark
nakke:nacke nakken:nacken stiv:stel munn:mun mund:mun skjev:sned skaev:sned
hoyre:hoger hojre:hoger venstre:vanster lofte:lyfta loefte:lyfta
utydelig:otydligt utydeleg:otydligt uklar:oklar forvirret:forvirrad forvirra:forvirrad
bevisstlos:medvetslos bevidstlos:medvetslos besvimt:svimmat besvimte:svimmade besvime:svimma
besvimet:svimmat svimmel:yr svimmelhet:yrsel vakne:vakna vekke:vacka vaagne:vakna
kvalm:illamaende kvalme:illamaende kaster:kastar opp:upp op:upp oppkast:krakning opkast:krakning
lammet:forlamad nummen:domnad folelseslos:kanslolos
svelget:svalde svelge:svalja slugt:svalt knappebatteri:knappcellsbatteri
blor:bloder stopper:slutar slutter:slutar
lepper:lappar leppene:lapparna laeber:lappar laeberne:lapparna kald:kall kaldsvett:kallsvett
svetter:svettas svette:svettas hoven:svullen hovent:svullet hevelse:svullnad tungen:tungan
utslett:utslag elveblest:nasselutslag klor:kliar
hoste:hosta hoster:hostar feberen:febern
selvmord:sjalvmord selvmordstanker:sjalvmordstankar
falt:foll slo:slog slatt:slagit brukket:brutit brudd:brott
mave:mage maven:magen magesmerter:magsmartor
uke:vecka uker:veckor uge:vecka uger:veckor sammentrekninger:sammandragningar
rier:varkar veer:varkar vannet:vattnet vandet:vattnet fostervannet:fostervattnet
babyen:bebisen spedbarn:spadbarn maneder:manader maned:manad gammel:gammal gamle:gamla
kone:fru kona:frun sonn:son sonnen:sonen datter:dotter datteren:dottern jenta:flickan
gutten:pojken jenten:flickan drengen:pojken pigen:flickan
lege:lakare legen:lakaren laege:lakare laegen:lakaren fastlegen:lakaren legevakten:akuten
legevakt:akuten skadestuen:akuten sykehus:sjukhus sykehuset:sjukhuset sygehus:sjukhus
syk:sjuk syke:sjuka sykt:sjukt syg:sjuk
minutter:minuter timer:timmar siden:sedan
trenger:behover trenge:behova resept:recept resepten:receptet resepter:recept fornye:fornya
bestille:boka bestilt:bokat time:tid timen:tiden medisin:medicin medisinen:medicinen
medisiner:mediciner blodtrykk:blodtryck blodtrykket:blodtrycket
blodtrykksmedisin:blodtrycksmedicin blodtrykksmedisinen:blodtrycksmedicinen blodprove:blodprov
provesvar:provsvar henvisning:remiss sykemelding:sjukskrivning
sykmelding:sjukskrivning legeerklaering:lakarintyg vaksine:vaccin vaksinen:vaccinet
kloe:klada tannlege:tandlakare oye:oga oyet:ogat oyne:ogon oynene:ogonen ore:ora orene:oronen
orebetennelse:oroninflammation betennelse:inflammation infeksjon:infektion
urinveisinfeksjon:urinvagsinfektion forkjolet:forkyld forkjolelse:forkylning skulder:axel
skulderen:axeln brakk:brot angst:angest deprimert:deprimerad sovn:somn sove:sova sovnlos:somnlos
spise:ata spiser:ater drikke:dricka drikker:dricker tisse:kissa tisser:kissar bleie:bloja
bleier:blojor amme:amma ammer:ammar vekt:vikt blodsukker:blodsocker blodsukkeret:blodsockret
sukker:socker faet:fatt faar:far
""".split()

NORDIC: dict[str, str] = dict(pair.split(":", 1) for pair in _PAIRS)

# Common words of Norwegian and Danish that Swedish does not have.
_MARKERS = frozenset(
    "jeg meg deg hun dere ikke ikkje hva hvordan hvorfor hvis hvor hvert veldig fikk ble noe "
    "mye litt og etter sier vaert".split()
)


def is_nordic(folded: Sequence[str]) -> bool:
    """True if the message is written in Norwegian or Danish (two distinct marker words)."""
    return len(_MARKERS.intersection(folded)) >= 2


def as_swedish(folded: Sequence[str]) -> list[str]:
    return [NORDIC.get(w, w) for w in folded]
