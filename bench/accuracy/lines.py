"""What the profanity evaluation set says, and in which voices: plain data, read by `evalset.py`.

Profane words are in [brackets]. Every profane sentence is spoken by one voice only, and each voice
speaks in one half of the set only (see `evalset.split`), so the held-back half is heard in voices
that tuning never heard. The clean sentences are full of words that look or sound like profanity.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice (language, optionally +variant), its speed in words per minute and pitch."""

    name: str
    rate: int
    pitch: int


VOICES: tuple[Voice, ...] = (
    Voice("en-us", 150, 50),
    Voice("en", 160, 45),
    Voice("en-us+f3", 140, 60),
    Voice("en-gb-scotland", 150, 50),
    Voice("en-029", 145, 50),
    Voice("en-gb-x-rp+f2", 165, 55),
    Voice("en-us+m3", 175, 35),
    Voice("en+f4", 135, 70),
    Voice("en-gb-x-gbclan", 155, 40),
    Voice("en-gb-x-gbcwmd+klatt", 145, 60),
    Voice("en-us-nyc+f1", 185, 65),
    Voice("en+m7", 130, 30),
)

# Eight sentences per voice, in the order of VOICES.
PROFANE_LINES: tuple[tuple[str, ...], ...] = (
    (
        "Honestly, this kitchen is a [damn] mess.",
        "What the [fuck] are you doing with my laptop?",
        "That movie was complete [bullshit] from start to finish.",
        "Stop being such a [dick] to your brother.",
        "The printer is [fucking] broken again.",
        "He left the lights on, the [dumbass].",
        "Who ate my lunch? This is [shit].",
        "That guy is a total [asshole] on the road.",
    ),
    (
        "I am so [pissed] about the parking ticket.",
        "Get your [ass] over here right now.",
        "The dog [crapped] on the carpet today.",
        "The landlord is a greedy [bastard].",
        "Shut up, you [motherfucker], and sit down.",
        "The weather has been [shitty] all week.",
        "I was [fuckin] tired after the shift.",
        "She told him to stop acting like a [bitch].",
    ),
    (
        "My [goddamn] phone died again.",
        "That referee is a blind [wanker].",
        "You absolute [dickhead], look what you did.",
        "This report is [crappy] and late.",
        "He [fucked] up the whole presentation.",
        "What a load of [bollocks] that was.",
        "Stop [bitching] about the weather.",
        "The game was [damned] boring tonight.",
    ),
    (
        "What the [fuck] was the referee thinking?",
        "Their defence is [crap] this season.",
        "That was [fucking] brilliant.",
        "The striker is a lazy [bastard].",
        "This pitch is a [shithole] after the rain.",
        "Our goalie played like a [twat] today.",
        "I am [pissed] off with the manager.",
        "That [cunt] stole my scarf at the match.",
    ),
    (
        "The traffic is [shit], we will be late.",
        "Some [asshole] cut right in front of me.",
        "What a [damn] mess on the highway.",
        "That taxi driver is a [jackass].",
        "Move your [fucking] car out of the way.",
        "He is such a [douchebag] in traffic.",
        "The bus is late again, [goddammit].",
        "That [bitch] took my parking spot.",
    ),
    (
        "That is [bullshit] and you know it.",
        "Do not be such a [bitch] about the music.",
        "What the [fuck], who invited him?",
        "Stop [bullshitting] me about the tickets.",
        "He is a smug [prick] with a guitar.",
        "Her ex is a lying [bastard].",
        "The neighbours are [fuckers] with loud speakers.",
        "Stop acting like a [pussy] and dance.",
    ),
    (
        "I [fucking] hate Monday mornings.",
        "That [shithead] scratched my car.",
        "Those [bitches] took my table.",
        "The boss is a real [dick] about overtime.",
        "Get off my lawn, you little [shits].",
        "That was a [damn] fine steak.",
        "He is being a [cocksucker] about the rent.",
        "Stop being a [douche] at dinner.",
    ),
    (
        "She called him a [slut] at the party.",
        "You [fucker], give it back.",
        "The cat [pissed] on the new rug.",
        "That [whore] of a landlord raised the rent again.",
        "My brother is a [dickhead] sometimes.",
        "What a [shitty] thing to say.",
        "This [fucking] computer froze again.",
        "Kiss my [arse], I am not paying.",
    ),
    (
        "He is a right [bastard], that one.",
        "Oh [shit], the train has left.",
        "That is a load of [horseshit].",
        "Put the [fucking] kettle on.",
        "Stop [pissing] about and help me.",
        "That bloke is a [wanker].",
        "You [twat], you broke the window.",
        "Our team is [crap] at defending.",
    ),
    (
        "Where is my [goddamn] wallet?",
        "You are such an [arsehole] today.",
        "This is [bullshit], I want a refund.",
        "Those [motherfuckers] wrecked the car completely.",
        "She is a [bitchy] neighbour.",
        "Those [sluts] and [whores] in the song offended her.",
        "The kids are [shitting] themselves with fear.",
        "Shut the [fuck] up and listen.",
    ),
    (
        "That is so [fucked] up, man.",
        "My boss is a [motherfucking] idiot.",
        "Shut up, [fuckface], nobody asked you.",
        "This pizza is [shitty] and cold.",
        "Hey [jackass], watch where you are going.",
        "[Damn], it is cold out here.",
        "He is a [bastard] and a liar.",
        "The subway smells like [piss] again.",
    ),
    (
        "The old man [pisses] in the bushes.",
        "That son of a [bitch] lied to me.",
        "Those [dicks] dug up the road again.",
        "You lazy [asses], get to work.",
        "What the [fuck] is going on in here?",
        "[Fuck] this, I am going home.",
        "Those [wankers] broke the radio in this car.",
        "Those [bastards] took all the bread.",
    ),
)

# Clean speech that sounds or looks like profanity: false alarms are counted here.
SOUND_ALIKE_LINES: tuple[str, ...] = (
    "We watched Dick Van Dyke dance on the rooftops.",
    "Moby Dick is a long novel about a white whale.",
    "Alfred Hitchcock directed that film in the fifties.",
    "The peacock spread its tail in the garden.",
    "Shiitake mushrooms are sold by the sheet pan at the market.",
    "Please pass the fork and the salad bowl.",
    "The pitch was wet, so the match was moved to Monday.",
    "The ducks swam past the dam and the old mill.",
    "We read Dickens on the ship from Scunthorpe.",
    "The class finished its assessment before the cocktail party.",
    "My brother plays the bass guitar in a jazz band.",
    "They shot the film in a busy shop near the dock.",
    "The pilot checked the cockpit before take off.",
    "Which witch wore the tall black hat?",
    "The shuttlecock flew over the net twice.",
    "He took a sip of the peach juice on the beach.",
    "Count the sheets before you fold the shirts.",
    "The farmer used a pitchfork to move the hay.",
    "The crab trap was full of seaweed.",
    "We drove to Amsterdam in a rented truck.",
    "The hockey puck slid under the bench.",
    "The assassin in the novel was never caught.",
    "The glass bottle cracked in the cold.",
    "She shifted the heavy box onto the shelf.",
    "The bass in the lake bit on every cast.",
    "A massive crop of wheat grew by the ditch.",
    "The fox ran across the frozen field.",
    "He knocked on the door of the old cottage.",
    "The dock workers took a short break.",
    "Pass the dish with the fish and chips.",
    "The mass at the cathedral starts at nine.",
    "Please sit on the sofa by the window.",
    "A twig snapped under the hunter's boot.",
    "The bishop blessed the new church bell.",
    "That is a fine piece of shortbread.",
    "The whole class passed the spelling test.",
    "Put the fork back in the drawer.",
    "The fire truck parked by the dam.",
    "She bought a sheet of stamps at the post office.",
    "The cook added shiitake to the soup.",
)

# Clean filler sentences are made from these, one of each per sentence (see evalset.filler_lines).
SUBJECTS: tuple[str, ...] = (
    "My neighbour", "The coach", "Our teacher", "The old captain", "Her sister", "The farmer",
    "A tourist", "The chef", "Grandpa", "The pilot", "The mayor", "Your cousin",
)  # fmt: skip
VERBS: tuple[str, ...] = (
    "found", "painted", "carried", "described", "sold", "fixed", "cleaned", "photographed",
    "ordered", "forgot", "borrowed", "mentioned",
)  # fmt: skip
OBJECTS: tuple[str, ...] = (
    "the pitch fork", "a basket of shiitake", "the duck pond", "the wooden dock", "a silver fork",
    "the sheet music", "the bass drum", "a witch costume", "the peach pie", "a striped shirt",
    "the cocktail menu", "the class list", "the brass bell", "a glass bottle", "the crab trap",
    "the crop report", "the old dam", "the mountain pass", "the muddy ditch", "a hockey puck",
    "the delivery truck", "the count sheet", "a box of matches", "the fishing rod",
)  # fmt: skip
PLACES: tuple[str, ...] = (
    "near the harbour", "after lunch", "on Tuesday", "at the market", "behind the barn",
    "before the storm", "in Amsterdam", "by the canal", "at the station", "last summer",
)  # fmt: skip
