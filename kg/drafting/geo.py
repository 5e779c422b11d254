"""Small geographic vocabularies the drafter needs to guess types and read adjectives: country names, demonyms."""

from __future__ import annotations

from .text import words_of

#: Demonym or adjective -> the place's English name ("Malian army", "West African nation").
DEMONYMS = {
    "Malian": "Mali",
    "French": "France",
    "Russian": "Russia",
    "British": "United Kingdom",
    "American": "United States",
    "German": "Germany",
    "Swedish": "Sweden",
    "Canadian": "Canada",
    "Ukrainian": "Ukraine",
    "Ivorian": "Ivory Coast",
    "Nigerien": "Niger",
    "Burkinabe": "Burkina Faso",
    "Burkinabè": "Burkina Faso",
    "Mauritanian": "Mauritania",
    "Chinese": "China",
    "Algerian": "Algeria",
    "Senegalese": "Senegal",
    "Chadian": "Chad",
    "Nigerian": "Nigeria",
    "Moroccan": "Morocco",
    "Egyptian": "Egypt",
    "Turkish": "Turkey",
    "Italian": "Italy",
    "Spanish": "Spain",
    "Belgian": "Belgium",
    "Dutch": "Netherlands",
    "Danish": "Denmark",
    "Norwegian": "Norway",
    "Irish": "Ireland",
    "Estonian": "Estonia",
    "Lithuanian": "Lithuania",
    "Romanian": "Romania",
    "Czech": "Czech Republic",
    "Swiss": "Switzerland",
    "Austrian": "Austria",
    "Bangladeshi": "Bangladesh",
    "Pakistani": "Pakistan",
    "Indian": "India",
    "Nepalese": "Nepal",
    "Togolese": "Togo",
    "Beninese": "Benin",
    "Guinean": "Guinea",
    "Ghanaian": "Ghana",
    "Gambian": "Gambia",
    "Liberian": "Liberia",
    "Cameroonian": "Cameroon",
    "Rwandan": "Rwanda",
    "Jordanian": "Jordan",
    "Tunisian": "Tunisia",
    "Libyan": "Libya",
    "Sudanese": "Sudan",
    "Ethiopian": "Ethiopia",
    "Kenyan": "Kenya",
    "Japanese": "Japan",
    "Brazilian": "Brazil",
    "Mexican": "Mexico",
    "Israeli": "Israel",
    "Iranian": "Iran",
    "Syrian": "Syria",
    "Iraqi": "Iraq",
    "Afghan": "Afghanistan",
    "Polish": "Poland",
    "Finnish": "Finland",
    "Portuguese": "Portugal",
    "Greek": "Greece",
    "Hungarian": "Hungary",
    "Emirati": "United Arab Emirates",
    "Saudi": "Saudi Arabia",
    "Qatari": "Qatar",
    "Salvadoran": "El Salvador",
    "West African": "West Africa",
    "North African": "North Africa",
    "East African": "East Africa",
    "African": "Africa",
    "Sahelian": "Sahel",
    "European": "Europe",
    "Asian": "Asia",
}

#: Sovereign states (and a few common short forms), to guess that an unknown name is a Country.
COUNTRIES = frozenset(
    words_of(
        """Afghanistan Albania Algeria Andorra Angola Argentina Armenia Australia Austria Azerbaijan Bahamas Bahrain
    Bangladesh Barbados Belarus Belgium Belize Benin Bhutan Bolivia Botswana Brazil Brunei Bulgaria Burundi Cambodia
    Cameroon Canada Chad Chile China Colombia Comoros Congo Croatia Cuba Cyprus Czechia Denmark Djibouti Dominica
    Ecuador Egypt Eritrea Estonia Eswatini Ethiopia Fiji Finland France Gabon Gambia Georgia Germany Ghana Greece
    Grenada Guatemala Guinea Guinea-Bissau Guyana Haiti Honduras Hungary Iceland India Indonesia Iran Iraq Ireland
    Israel Italy Jamaica Japan Jordan Kazakhstan Kenya Kiribati Kosovo Kuwait Kyrgyzstan Laos Latvia Lebanon Lesotho
    Liberia Libya Liechtenstein Lithuania Luxembourg Madagascar Malawi Malaysia Maldives Mali Malta Mauritania
    Mauritius Mexico Micronesia Moldova Monaco Mongolia Montenegro Morocco Mozambique Myanmar Namibia Nauru Nepal
    Netherlands Nicaragua Niger Nigeria Norway Oman Pakistan Palau Palestine Panama Paraguay Peru Philippines Poland
    Portugal Qatar Romania Russia Rwanda Samoa Senegal Serbia Seychelles Singapore Slovakia Slovenia Somalia Spain
    Sudan Suriname Sweden Switzerland Syria Taiwan Tajikistan Tanzania Thailand Togo Tonga Tunisia Turkey Turkmenistan
    Tuvalu Uganda Ukraine Uruguay Uzbekistan Vanuatu Venezuela Vietnam Yemen Zambia Zimbabwe Britain"""
    )
) | frozenset(
    {
        "Burkina Faso",
        "Ivory Coast",
        "Côte d'Ivoire",
        "Cote d'Ivoire",
        "Central African Republic",
        "Costa Rica",
        "Czech Republic",
        "Dominican Republic",
        "El Salvador",
        "Equatorial Guinea",
        "New Zealand",
        "North Korea",
        "North Macedonia",
        "Papua New Guinea",
        "Saudi Arabia",
        "Sierra Leone",
        "South Africa",
        "South Korea",
        "South Sudan",
        "Sri Lanka",
        "United Arab Emirates",
        "United Kingdom",
        "United States",
        "Cape Verde",
        "Cabo Verde",
        "Bosnia and Herzegovina",
        "Trinidad and Tobago",
        "Democratic Republic of the Congo",
    }
)

#: Words that make a capitalised name a place rather than a country or an organisation.
PLACE_WORDS = frozenset(
    {
        "Region",
        "Province",
        "District",
        "City",
        "Camp",
        "River",
        "Lake",
        "Desert",
        "Mountains",
        "Valley",
        "Airport",
        "Base",
        "Street",
        "Square",
        "Cercle",
        "Commune",
        "Town",
        "Village",
        "Prefecture",
        "Plateau",
        "Delta",
        "Border",
    }
)
