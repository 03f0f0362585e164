"""Hand-written 'contact today' (brådskande) cores: (category, lang, text)."""

BRADSKANDE: list[tuple[str, str, str]] = [
    ("lakemedel", "sv", "Mitt Waran är slut och jag ska ta nästa dos ikväll, apoteket kan inte "
                        "lämna ut utan nytt recept."),
    ("lakemedel", "sv", "Har fått kraftiga utslag och feber efter att ha börjat med Lamotrigin "
                        "för två veckor sedan."),
    ("lakemedel", "sv", "Min insulinpenna gick sönder och jag har inget reservinsulin hemma."),
    ("lakemedel", "en", "I ran out of my epilepsy medication today and the pharmacy needs a "
                        "new prescription."),
    ("lakemedel", "sv", "Boende har fått en dubbel dos morfin av misstag för en timme sedan, "
                        "är lite trött men vaken. Kommunsjuksköterska ber om läkarkontakt nu."),
    ("tidsbokning", "sv", "Behöver komma in idag, kan ni ringa upp mig så fort som möjligt?"),
    ("tidsbokning", "sv", "Jag behöver ett intyg senast i eftermiddag till Försäkringskassan annars "
                          "förlorar jag ersättningen."),
    ("psykisk_halsa", "sv", "Har haft en panikattack som inte går över sedan i morse, jag skakar och "
                            "gråter och vågar inte gå ut."),
    ("psykisk_halsa", "sv", "Min man har inte sovit på fyra dygn och pratar osammanhängande, beter "
                            "sig helt annorlunda."),
    ("psykisk_halsa", "en", "I'm having a really bad day, my anxiety is out of control and I need "
                            "to talk to someone today."),
    ("rehab", "sv", "Föll från stegen och foten pekar åt fel håll, det gör fruktansvärt ont."),
    ("rehab", "sv", "Mamma ramlade i natt och kan inte stå på höger ben, benet ser kortare ut."),
    ("rehab", "en", "I fell off my bike and I think my wrist is broken, it's deformed and very "
                    "swollen."),
    ("rehab", "sv", "Plötslig ryggvärk och jag kan inte hålla urinen, domnad mellan benen."),
    ("graviditet", "sv", "Gravid vecka 36 och har ont i huvudet, ser flimmer och är svullen i "
                         "ansiktet."),
    ("graviditet", "sv", "Jag tror vattnet har gått i vecka 33, det rinner hela tiden."),
    ("graviditet", "en", "I'm 35 weeks pregnant and the baby hasn't moved since this morning."),
    ("barn", "sv", "Bebisen 4 månader vill inte äta, har haft få blöta blöjor sedan igår och är "
                   "slö."),
    ("barn", "sv", "Vår tiomånaders har kräkts hela natten och har inte kissat på tolv timmar."),
    ("barn", "en", "My 9 month old has been vomiting all day and is very sleepy, few wet nappies."),
    ("diabetes", "sv", "Sockret är över 25 och jag har ketoner 3,0, mår illa och kräks. Typ 1."),
    ("diabetes", "sv", "Mammas blodsocker har varit högt hela dagen, hon är törstig och "
                       "förvirrad."),
    ("diabetes", "en", "Blood sugar 28 and ketones high, I feel sick and can't keep water down."),
    ("hjarta_karl", "sv", "Blodtrycket är 210/120 och jag har huvudvärk och ser suddigt."),
    ("hjarta_karl", "sv", "Ena vaden är svullen, röd och öm sedan flygresan i går, rädd för "
                          "blodpropp."),
    ("hjarta_karl", "en", "My heart has been racing at 160 for two hours and won't slow down."),
    ("hjarta_karl", "sv", "Boende med hjärtsvikt har fått mer andfåddhet i vila i dag, ökat tre "
                          "kilo. Kommunsjuksköterska."),
    ("hud", "sv", "Rodnaden på benet sprider sig snabbt och jag har fått frossa och feber."),
    ("hud", "sv", "Fick ett hundbett i handen för en timme sedan, djupa märken som blöder lite."),
    ("hud", "en", "Red streak going up my arm from a small cut and I feel feverish."),
    ("provsvar", "sv", "Ni ringde och sa att mitt kaliumvärde var farligt högt och att jag skulle "
                       "komma in idag, när ska jag komma?"),
    ("provsvar", "sv", "Fick sms om att höra av mig idag angående mitt INR-värde som var 6."),
    ("provsvar", "en", "The lab called and said my sodium was very low and I should contact you "
                       "today."),
    ("infektion", "sv", "Hög feber 40 och frossa, ont i ryggen vid njurarna och kräks. Hade "
                        "urinvägsinfektion innan."),
    ("infektion", "sv", "Min son 7 år har feber, ont i nacken och är väldigt trött och ljuskänslig."),
    ("infektion", "sv", "Pappa 88 år har feber, äter och dricker nästan inget och är förvirrad sedan "
                        "i går. Kommunsjuksköterska."),
    ("infektion", "en", "Fever of 40 for three days and now I'm getting confused and very weak."),
    ("ovrigt", "sv", "Jag har svart avföring och känner mig yr och svimfärdig."),
    ("ovrigt", "sv", "Plötsligt ser jag dubbelt och har svårt att gå rakt, började i förmiddags."),
    ("ovrigt", "en", "I suddenly lost vision in one eye this morning, it's like a curtain."),
]
