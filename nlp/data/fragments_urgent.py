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
    ("lakemedel", "sv", "Har fått gulaktiga ögon och mörk urin sedan jag började med nya "
                        "värkmedicinen, mår dåligt."),
    ("lakemedel", "sv", "Mamma har råkat ta kvällens alla tabletter på morgonen, hon är lite "
                        "yr. Hemtjänsten undrar vad vi ska göra nu."),
    ("tidsbokning", "sv", "Jag måste få träffa en läkare i dag, det blir bara värre och jag kan "
                          "inte vänta till nästa vecka."),
    ("psykisk_halsa", "sv", "Min mamma är plötsligt helt förvirrad och ser saker som inte finns, "
                            "hon känner inte igen mig."),
    ("psykisk_halsa", "sv", "Kommunsjuksköterska: boende är mycket orolig och aggressiv sedan i "
                            "morse, slår personalen, helt olikt honom."),
    ("rehab", "sv", "Mormor ramlade i morse och har jätteont i höften, benet är utåtroterat och "
                    "hon kan inte gå."),
    ("rehab", "sv", "Har ett djupt sår i handen från en glasbit, det är svårt att röra fingrarna."),
    ("graviditet", "sv", "Gravid vecka 35 och har fått kraftig klåda överallt och mörk urin."),
    ("graviditet", "sv", "Har haft regelbundna sammandragningar varje tionde minut i vecka 32."),
    ("barn", "sv", "Vår bebis på 5 månader har haft feber 39 i två dygn och äter nästan inget."),
    ("barn", "sv", "Min son 10 månader har ramlat ner från skötbordet och kräkts två gånger."),
    ("diabetes", "sv", "Typ 1 och magsjuk, kan inte behålla något och sockret är 19 med ketoner."),
    ("diabetes", "en", "My mum's blood sugar has been over 25 all day and she's drowsy."),
    ("hjarta_karl", "sv", "Pulsen har legat på 150 i flera timmar och jag känner mig svag."),
    ("hjarta_karl", "sv", "Har fått plötslig smärta och svullnad i ena benet, det är varmt och "
                          "spänt."),
    ("hud", "sv", "Fick ett skrapsår i går och nu är hela underarmen röd och svullen och jag har "
                  "feber."),
    ("hud", "en", "The rash is spreading fast and I have blisters in my mouth."),
    ("provsvar", "sv", "Labbet ringde och sa att mitt blodsocker i provet var 30, vad ska jag göra?"),
    ("infektion", "sv", "Har ont när jag andas och feber 39,5, hostar rostfärgat slem."),
    ("infektion", "en", "My 3 year old has a fever and a rash that doesn't fade when pressed."),
    ("ovrigt", "sv", "Kraftig buksmärta i högra nedre delen av magen sedan i morse, ont att gå."),
    ("ovrigt", "sv", "Har fått nedsatt syn på ena ögat med blixtar och svarta prickar i dag."),
]
