"""Hand-written English message cores per category: (urgency code, text)."""

EN: dict[str, list[tuple[str, str]]] = {
    "lakemedel": [
        ("r", "I need a refill of my levothyroxine prescription, only a few pills left."),
        ("s", "Started the new blood pressure tablets last week and I get a dry cough now. "
              "Could it be a side effect?"),
        ("r", "Can you send my prescription to the pharmacy near my work instead?"),
        ("r", "My asthma is well controlled, I just need my inhaler renewed please."),
        ("s", "I missed two doses of my medication while travelling, what should I do?"),
    ],
    "tidsbokning": [
        ("r", "Hi, I would like to book an appointment with a doctor, I don't speak Swedish well."),
        ("r", "I need to cancel my appointment on Monday, sorry."),
        ("r", "Can I get a sick note for my employer? I was off work for a week with the flu."),
        ("r", "What are your opening hours during the summer?"),
        ("r", "Could you send a copy of my medical records to my new clinic?"),
    ],
    "psykisk_halsa": [
        ("s", "I've been feeling really low and anxious since I moved here, I can't sleep."),
        ("r", "Is it possible to talk to a counsellor? Work stress is getting to me."),
        ("s", "Having panic attacks several times a week, my heart races and I feel I can't "
              "cope."),
        ("r", "My father passed away in spring and I'm struggling with grief."),
    ],
    "rehab": [
        ("s", "I twisted my ankle playing football yesterday, it's swollen and purple."),
        ("r", "I have had lower back pain for months, can I see a physiotherapist?"),
        ("b", "I cut my hand on glass and the wound is deep and gaping, think it needs stitches."),
        ("r", "My knee hurts when I run, I'd like some exercises."),
    ],
    "graviditet": [
        ("r", "I just found out I'm pregnant, how do I register with antenatal care?"),
        ("r", "I want to switch contraception from the pill to a coil."),
        ("s", "I'm 32 weeks pregnant and the baby has moved less than usual today."),
        ("s", "Forgot two pills and had unprotected sex, do I need emergency contraception?"),
    ],
    "barn": [
        ("r", "When is my daughter's next vaccination? She's 5 months old."),
        ("r", "My son is 2 and barely talks, should we be worried?"),
        ("s", "Our 6 month old baby has had a fever since yesterday and isn't feeding well."),
        ("r", "Is it OK to switch from breastfeeding to formula at 4 months?"),
    ],
    "diabetes": [
        ("s", "My blood sugar has been over 15 all week even with insulin."),
        ("r", "I need new sensors for my glucose monitor."),
        ("r", "Can I book my yearly diabetes check-up with the diabetes nurse?"),
        ("s", "Getting lots of hypos at night lately, waking up sweaty and shaky."),
    ],
    "hjarta_karl": [
        ("r", "My home blood pressure readings are around 150/95, should I change the dose?"),
        ("s", "I keep getting palpitations, my heart feels irregular."),
        ("s", "My legs are more swollen this week and I've gained 2 kg, I have heart failure."),
        ("r", "When should my cholesterol be checked again?"),
    ],
    "hud": [
        ("r", "I have a mole on my back that has changed colour, can you look at a photo?"),
        ("s", "I've got an itchy red rash all over my stomach since yesterday."),
        ("r", "My eczema is flaring up again on my hands."),
        ("s", "Got stung by a wasp on my arm yesterday and now the whole forearm is swollen."),
    ],
    "provsvar": [
        ("r", "Have my blood test results come back yet?"),
        ("r", "What does a high TSH level mean in my lab results?"),
        ("s", "I got a message that my results were abnormal, what does that mean?"),
        ("r", "Still waiting for the results of my smear test."),
    ],
    "infektion": [
        ("s", "I have a fever of 39 and a very sore throat, hard to swallow."),
        ("s", "It burns when I pee and I need to go all the time, I think it's a UTI."),
        ("r", "Cold and cough for a week, do I need to come in?"),
        ("s", "My 5 year old has earache and cried all night."),
        ("s", "Stomach bug, vomiting since last night and can't keep fluids down."),
    ],
    "ovrigt": [
        ("r", "I want help to quit smoking."),
        ("r", "Do I need any vaccines before travelling to Thailand?"),
        ("r", "I'm always tired even though I sleep well."),
        ("s", "I've lost 8 kg in two months without trying."),
    ],
}
