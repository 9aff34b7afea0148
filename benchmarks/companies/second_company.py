#!/usr/bin/env python3
"""A second test company for Tandem, written as Tandem's CSV import (docs/import-format.md).

*Bluestem Outdoor Supply, Inc.* — a US wholesaler of camping, hiking, fishing, paddling and winter gear
(base currency USD, time zone America/Chicago, sales tax 8.25 % on taxable US customers). It sells to
big-box chains, independent dealers, online retailers, government agencies and camps/schools across the
United States, and to dealers in Canada (billed in CAD) and Germany (billed in EUR). The history runs from
January 2015 to the company's "today", 2017-12-15: about 6,000 orders with their lines, invoices and
payments (a share unpaid and overdue at today), interactions, support tickets and a pipeline.

Deterministic: everything comes from one seeded `random.Random`; no network.

    python benchmarks/companies/second_company.py OUT_DIR [--seed N]
"""
from __future__ import annotations

import argparse
import csv
import math
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

TODAY = date(2017, 12, 15)
FIRST_DAY = date(2015, 1, 2)
TAX_PCT = Decimal("8.25")
CENT = Decimal("0.01")
DOMAIN = "bluestemoutdoor.com"

COMPANY = ("Bluestem Outdoor Supply, Inc.", "USD", "America/Chicago", "8.25")

# --- FX: USD for one unit of the currency, valid from the first of each month -------------------------------

EUR_USD = [1.2098, 1.1312, 1.1214, 1.0795, 1.1198, 1.1139, 1.1227, 1.0993, 1.1218, 1.1203, 1.1016, 1.0602,
           1.0887, 1.0897, 1.0931, 1.1385, 1.1430, 1.1134, 1.1066, 1.1166, 1.1198, 1.1217, 1.0985, 1.0592,
           1.0465, 1.0798, 1.0620, 1.0652, 1.0934, 1.1227, 1.1409, 1.1843, 1.1905, 1.1777, 1.1642, 1.1893]
CAD_USD = [0.8601, 0.8002, 0.7914, 0.7906, 0.8281, 0.8048, 0.7996, 0.7633, 0.7597, 0.7498, 0.7656, 0.7504,
           0.7218, 0.7122, 0.7398, 0.7701, 0.7949, 0.7651, 0.7752, 0.7703, 0.7697, 0.7603, 0.7448, 0.7451,
           0.7447, 0.7652, 0.7649, 0.7502, 0.7318, 0.7421, 0.7702, 0.7998, 0.8012, 0.8037, 0.7806, 0.7753]

# --- people ---------------------------------------------------------------------------------------------------

EMPLOYEES = [
    # code, name, email, role, region, manager
    ("BL01", "Karen Whitfield", f"kwhitfield@{DOMAIN}", "manager", "All regions", ""),
    ("BL02", "Tom Brennan", f"tbrennan@{DOMAIN}", "sales", "Midwest", "BL01"),
    ("BL03", "Luis Ortega", f"lortega@{DOMAIN}", "sales", "South", "BL01"),
    ("BL04", "Megan Hale", f"mhale@{DOMAIN}", "sales", "West", "BL01"),
    ("BL05", "Derek Olsen", f"dolsen@{DOMAIN}", "sales", "Northeast", "BL01"),
    ("BL06", "Jason Pruitt", f"jpruitt@{DOMAIN}", "sales", "National accounts", "BL01"),
    ("BL07", "Hannah Schultz", f"hschultz@{DOMAIN}", "sales", "International", "BL01"),
    ("BL08", "Rachel Dunn", f"rdunn@{DOMAIN}", "support", "", "BL01"),
    ("BL09", "Beth Novak", f"bnovak@{DOMAIN}", "finance", "", "BL01"),
    ("BL10", "Kevin Marsh", f"kmarsh@{DOMAIN}", "admin", "", ""),
]
REGION_REP = {"MW": "BL02", "S": "BL03", "W": "BL04", "NE": "BL05"}
NATIONAL_REP, INTL_REP, SUPPORT, FINANCE, MANAGER = "BL06", "BL07", "BL08", "BL09", "BL01"

FIRST_NAMES = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan
Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra Mark Ashley
Donald Kimberly Steven Emily Paul Donna Andrew Michelle Joshua Carol Kenneth Amanda Kevin Melissa Brian Deborah
George Stephanie Timothy Rebecca Ronald Laura Jason Helen Edward Sharon Jeffrey Cynthia Ryan Kathleen Jacob Amy
Gary Angela Nicholas Shirley Eric Brenda Jonathan Emma Stephen Anna Larry Pamela Justin Nicole Scott Samantha
Brandon Katherine Benjamin Christine Samuel Debra Gregory Rachel Alexander Carolyn Patrick Janet Frank Maria
Raymond Heather Jack Diane Dennis Julie Jerry Joyce Tyler Victoria Aaron Kelly Jose Christina Adam Lauren Nathan
Joan Henry Evelyn Zachary Olivia Douglas Judith Peter Megan Kyle Cheryl Noah Andrea Ethan Hannah Jeremy Martha
Walter Jacqueline Christian Frances Keith Gloria Roger Ann Terry Teresa Austin Kathryn Sean Sara Gerald Janice
Carl Jean Harold Alice Dylan Madison Arthur Doris Lawrence Abigail Jordan Julia Jesse Judy Bryan Grace Billy
Denise Bruce Amber Gabriel Marilyn Joe Beverly Logan Danielle Albert Theresa Willie Sophia Alan Marie Wayne Diana
Elijah Brittany Randy Natalie Vincent Isabella Russell Charlotte Bobby Rose Philip Alexis Louis Kayla""".split()
LAST_NAMES = """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson
Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson
Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers
Morgan Peterson Cooper Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray James
Hughes Price Sanders Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan Fisher Henderson Coleman
Patterson Jordan Reynolds Hamilton Graham Wallace West Cole Hayes Bryant Gibson Ellis Stevens Murray Ford
Marshall Owens McDonald Harrison Kennedy Wells Alexander Tucker Porter Hunter Hicks Crawford Henry Boyd Mason
Warren Dixon Burns Gordon Shaw Holmes Rice Hunt Black Daniels Palmer Mills Grant Knight Ferguson Stone Hawkins
Dunn Perkins Hudson Spencer Stephens Pierce Lawson Fields Hart Webb Ryan Carroll Duncan Armstrong Berry Lane
Riley Austin Andrews Weaver Gardner Payne Harper Elliott Fuller Lynch Hanson Larson Olson Lindgren Swanson
Kowalski Novak Schroeder Bauer Hoffman Gallagher Doyle Brennan Flynn Quinn Walsh OBrien McCarthy Sutton Whitaker
Barlow Pickett Holloway Garrison Thornton Yates Booth Lyons Conrad Kirby Mercer Sheldon Tate Vaughn Winslow""".split()
GERMAN_FIRST = "Lukas Anna Felix Laura Jonas Lena Maximilian Julia Tobias Sophie Florian Katharina Stefan Miriam Jan Sabine".split()
GERMAN_LAST = "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann Schäfer Koch Richter Wolf Huber Brandl Maier".split()

# --- places: city, state/province, region, area code ----------------------------------------------------------

US_CITIES = [
    # Midwest
    ("Chicago", "IL", "MW", "312"), ("Naperville", "IL", "MW", "630"), ("Peoria", "IL", "MW", "309"),
    ("Springfield", "IL", "MW", "217"), ("Rockford", "IL", "MW", "815"), ("Milwaukee", "WI", "MW", "414"),
    ("Madison", "WI", "MW", "608"), ("Green Bay", "WI", "MW", "920"), ("Eau Claire", "WI", "MW", "715"),
    ("Minneapolis", "MN", "MW", "612"), ("St. Paul", "MN", "MW", "651"), ("Duluth", "MN", "MW", "218"),
    ("Rochester", "MN", "MW", "507"), ("Detroit", "MI", "MW", "313"), ("Grand Rapids", "MI", "MW", "616"),
    ("Traverse City", "MI", "MW", "231"), ("Marquette", "MI", "MW", "906"), ("Columbus", "OH", "MW", "614"),
    ("Cleveland", "OH", "MW", "216"), ("Cincinnati", "OH", "MW", "513"), ("Dayton", "OH", "MW", "937"),
    ("Indianapolis", "IN", "MW", "317"), ("Fort Wayne", "IN", "MW", "260"), ("Bloomington", "IN", "MW", "812"),
    ("Des Moines", "IA", "MW", "515"), ("Cedar Rapids", "IA", "MW", "319"), ("Iowa City", "IA", "MW", "319"),
    ("Kansas City", "MO", "MW", "816"), ("St. Louis", "MO", "MW", "314"), ("Springfield", "MO", "MW", "417"),
    ("Omaha", "NE", "MW", "402"), ("Lincoln", "NE", "MW", "402"), ("Wichita", "KS", "MW", "316"),
    ("Topeka", "KS", "MW", "785"), ("Fargo", "ND", "MW", "701"), ("Sioux Falls", "SD", "MW", "605"),
    ("Rapid City", "SD", "MW", "605"),
    # South
    ("Dallas", "TX", "S", "214"), ("Fort Worth", "TX", "S", "817"), ("Austin", "TX", "S", "512"),
    ("San Antonio", "TX", "S", "210"), ("Houston", "TX", "S", "713"), ("El Paso", "TX", "S", "915"),
    ("Lubbock", "TX", "S", "806"), ("Amarillo", "TX", "S", "806"), ("Waco", "TX", "S", "254"),
    ("Oklahoma City", "OK", "S", "405"), ("Tulsa", "OK", "S", "918"), ("Little Rock", "AR", "S", "501"),
    ("Fayetteville", "AR", "S", "479"), ("Baton Rouge", "LA", "S", "225"), ("New Orleans", "LA", "S", "504"),
    ("Shreveport", "LA", "S", "318"), ("Jackson", "MS", "S", "601"), ("Memphis", "TN", "S", "901"),
    ("Nashville", "TN", "S", "615"), ("Knoxville", "TN", "S", "865"), ("Chattanooga", "TN", "S", "423"),
    ("Atlanta", "GA", "S", "404"), ("Savannah", "GA", "S", "912"), ("Columbus", "GA", "S", "706"),
    ("Birmingham", "AL", "S", "205"), ("Huntsville", "AL", "S", "256"), ("Charlotte", "NC", "S", "704"),
    ("Asheville", "NC", "S", "828"), ("Raleigh", "NC", "S", "919"), ("Charleston", "SC", "S", "843"),
    ("Greenville", "SC", "S", "864"), ("Richmond", "VA", "S", "804"), ("Roanoke", "VA", "S", "540"),
    ("Louisville", "KY", "S", "502"), ("Lexington", "KY", "S", "859"), ("Tampa", "FL", "S", "813"),
    ("Orlando", "FL", "S", "407"), ("Jacksonville", "FL", "S", "904"), ("Tallahassee", "FL", "S", "850"),
    # West
    ("Denver", "CO", "W", "303"), ("Boulder", "CO", "W", "303"), ("Colorado Springs", "CO", "W", "719"),
    ("Fort Collins", "CO", "W", "970"), ("Durango", "CO", "W", "970"), ("Salt Lake City", "UT", "W", "801"),
    ("Moab", "UT", "W", "435"), ("Park City", "UT", "W", "435"), ("Phoenix", "AZ", "W", "602"),
    ("Flagstaff", "AZ", "W", "928"), ("Tucson", "AZ", "W", "520"), ("Albuquerque", "NM", "W", "505"),
    ("Santa Fe", "NM", "W", "505"), ("Las Vegas", "NV", "W", "702"), ("Reno", "NV", "W", "775"),
    ("Boise", "ID", "W", "208"), ("Missoula", "MT", "W", "406"), ("Bozeman", "MT", "W", "406"),
    ("Jackson", "WY", "W", "307"), ("Cheyenne", "WY", "W", "307"), ("Seattle", "WA", "W", "206"),
    ("Spokane", "WA", "W", "509"), ("Bellingham", "WA", "W", "360"), ("Portland", "OR", "W", "503"),
    ("Bend", "OR", "W", "541"), ("Eugene", "OR", "W", "541"), ("Sacramento", "CA", "W", "916"),
    ("San Diego", "CA", "W", "619"), ("Fresno", "CA", "W", "559"), ("Truckee", "CA", "W", "530"),
    ("Redding", "CA", "W", "530"), ("Anchorage", "AK", "W", "907"),
    # Northeast
    ("New York", "NY", "NE", "212"), ("Buffalo", "NY", "NE", "716"), ("Albany", "NY", "NE", "518"),
    ("Syracuse", "NY", "NE", "315"), ("Lake Placid", "NY", "NE", "518"), ("Pittsburgh", "PA", "NE", "412"),
    ("Philadelphia", "PA", "NE", "215"), ("Harrisburg", "PA", "NE", "717"), ("State College", "PA", "NE", "814"),
    ("Boston", "MA", "NE", "617"), ("Worcester", "MA", "NE", "508"), ("Burlington", "VT", "NE", "802"),
    ("Stowe", "VT", "NE", "802"), ("Manchester", "NH", "NE", "603"), ("North Conway", "NH", "NE", "603"),
    ("Portland", "ME", "NE", "207"), ("Bangor", "ME", "NE", "207"), ("Hartford", "CT", "NE", "860"),
    ("Newark", "NJ", "NE", "973"), ("Providence", "RI", "NE", "401"), ("Baltimore", "MD", "NE", "410"),
    ("Wilmington", "DE", "NE", "302"),
]
STATE_NAMES = {
    "IL": "Illinois", "WI": "Wisconsin", "MN": "Minnesota", "MI": "Michigan", "OH": "Ohio", "IN": "Indiana",
    "IA": "Iowa", "MO": "Missouri", "NE": "Nebraska", "KS": "Kansas", "ND": "North Dakota", "SD": "South Dakota",
    "TX": "Texas", "OK": "Oklahoma", "AR": "Arkansas", "LA": "Louisiana", "MS": "Mississippi", "TN": "Tennessee",
    "GA": "Georgia", "AL": "Alabama", "NC": "North Carolina", "SC": "South Carolina", "VA": "Virginia",
    "KY": "Kentucky", "FL": "Florida", "CO": "Colorado", "UT": "Utah", "AZ": "Arizona", "NM": "New Mexico",
    "NV": "Nevada", "ID": "Idaho", "MT": "Montana", "WY": "Wyoming", "WA": "Washington", "OR": "Oregon",
    "CA": "California", "AK": "Alaska", "NY": "New York", "PA": "Pennsylvania", "MA": "Massachusetts",
    "VT": "Vermont", "NH": "New Hampshire", "ME": "Maine", "CT": "Connecticut", "NJ": "New Jersey",
    "RI": "Rhode Island", "MD": "Maryland", "DE": "Delaware",
}
CA_CITIES = [("Toronto", "ON", "416"), ("Ottawa", "ON", "613"), ("Vancouver", "BC", "604"), ("Victoria", "BC", "250"),
             ("Calgary", "AB", "403"), ("Edmonton", "AB", "780"), ("Canmore", "AB", "403"), ("Winnipeg", "MB", "204"),
             ("Montréal", "QC", "514"), ("Québec City", "QC", "418"), ("Halifax", "NS", "902"), ("Whistler", "BC", "604")]
DE_CITIES = [("München", "80", "89"), ("Berlin", "10", "30"), ("Hamburg", "20", "40"), ("Frankfurt am Main", "60", "69"),
             ("Stuttgart", "70", "711"), ("Köln", "50", "221"), ("Freiburg im Breisgau", "79", "761"),
             ("Garmisch-Partenkirchen", "82", "8821"), ("Dresden", "01", "351"), ("Nürnberg", "90", "911")]
STREETS = """Main Oak Maple Cedar Pine Elm Walnut Washington Lake Hill Park River Highland Jefferson Lincoln Franklin
Madison Ridge Sunset Meadow Prairie Commerce Industrial Mill Market Canyon Summit Willow Spring Valley""".split()
STREET_KINDS = ["St", "Ave", "Blvd", "Rd", "Dr", "Pkwy", "Way", "Ln"]
DE_STREETS = ["Bergstraße", "Hauptstraße", "Lindenweg", "Am Waldrand", "Seestraße", "Gewerbering", "Isarweg",
              "Schillerstraße", "Talstraße", "Alpenstraße"]

# --- the catalogue ---------------------------------------------------------------------------------------------

# category, SKU prefix, month weights Jan..Dec, items (name, 2017 list price, cost share, flags)
CATALOGUE = [
    ("Tents & Shelters", "TS", [.5, .7, 1.2, 1.6, 1.6, 1.3, 1.0, .8, .7, .5, .4, .4], [
        ("Ridgeback 2-Person Backpacking Tent", "249.00"), ("Ridgeback 3-Person Backpacking Tent", "299.00"),
        ("Prairie Dome 4-Person Family Tent", "189.00"), ("Prairie Dome 6-Person Family Tent", "249.00"),
        ("Homestead 8-Person Cabin Tent", "399.00"), ("Featherline Solo Ultralight Tent", "329.00"),
        ("Shade Hut 10x10 Pop-Up Canopy", "159.00"), ("Silnylon Tarp Shelter 10x12", "89.00"),
        ("Alpine Bivy Sack", "139.00"), ("Tent Footprint 2-Person", "39.95"), ("Tent Footprint 4-Person", "49.95"),
        ("Aluminum Tent Stakes 8-Pack", "19.95"), ("Hanging Hammock Tent with Bug Net", "119.00"),
        ("Outfitter Canvas Wall Tent 12x14", "899.00"),
    ]),
    ("Sleeping Bags & Pads", "SB", [.6, .7, 1.0, 1.3, 1.3, 1.1, 1.0, .9, 1.0, 1.0, .8, .7], [
        ("Kestrel 20F Down Sleeping Bag Regular", "279.00"), ("Kestrel 20F Down Sleeping Bag Long", "299.00"),
        ("Kestrel 0F Down Sleeping Bag", "379.00"), ("Campfire 40F Synthetic Sleeping Bag", "69.95"),
        ("Campfire 20F Synthetic Sleeping Bag", "89.95"), ("Junior Explorer Kids Sleeping Bag", "44.95"),
        ("Self-Inflating Camp Pad 1.5in", "79.95"), ("Ultralight Air Pad Regular", "119.00"),
        ("Ultralight Air Pad Wide", "139.00"), ("Closed-Cell Foam Sleeping Pad", "29.95"),
        ("Compressible Camp Pillow", "24.95"), ("Fleece Sleeping Bag Liner", "34.95"),
        ("Queen Air Mattress with Pump", "99.00"),
    ]),
    ("Backpacks & Bags", "PK", [.8, .8, 1.0, 1.2, 1.3, 1.2, 1.1, 1.1, 1.0, .9, .9, .8], [
        ("Switchback 45L Backpack Slate", "169.00"), ("Switchback 45L Backpack Rust", "169.00"),
        ("Switchback 65L Backpack", "229.00"), ("Summit 30L Daypack", "99.00"),
        ("Trailrunner 12L Hydration Vest", "119.00"), ("Scout Youth 40L Backpack", "89.00"),
        ("Expedition Duffel 90L", "139.00"), ("Roll-Top Dry Bag 20L", "29.95"), ("Roll-Top Dry Bag 10L", "22.95"),
        ("Hip Lumbar Pack 5L", "44.95"), ("Pack Rain Cover Medium", "24.95"),
    ]),
    ("Footwear", "FW", [.8, .8, 1.1, 1.3, 1.2, 1.0, .9, 1.0, 1.1, 1.1, 1.0, .9], [
        ("Granite Peak Waterproof Hiking Boot Men's", "159.00"), ("Granite Peak Waterproof Hiking Boot Women's", "159.00"),
        ("Cascade Trail Runner Men's", "129.00"), ("Cascade Trail Runner Women's", "129.00"),
        ("Canyon Hiking Sandal", "79.95"), ("Insulated Pac Boot", "139.00"), ("Merino Hiking Socks 3-Pack", "39.95"),
        ("Low Trail Gaiters", "29.95"), ("Camp Moc Slip-On", "59.95"), ("Felt-Sole Wading Boot", "119.00"),
    ]),
    ("Apparel", "AP", [1.0, .9, 1.0, 1.0, .9, .8, .8, 1.0, 1.2, 1.3, 1.3, 1.1], [
        ("Storm Shell Rain Jacket Men's", "149.00"), ("Storm Shell Rain Jacket Women's", "149.00"),
        ("Ridgeline Fleece Quarter-Zip", "69.95"), ("Loft Puffy Insulated Jacket", "179.00"),
        ("Convertible Hiking Pants", "64.95"), ("Merino Base Layer Top", "74.95"), ("Merino Base Layer Bottom", "69.95"),
        ("UPF 50 Sun Hoodie", "49.95"), ("Wide-Brim Boonie Hat", "27.95"), ("Softshell Gloves", "34.95"),
        ("Blaze Orange Safety Vest", "14.95"), ("Wool Watch Cap Beanie", "19.95"), ("Packable Rain Pants", "79.95"),
    ]),
    ("Camp Kitchen", "CK", [.6, .7, 1.1, 1.4, 1.5, 1.4, 1.2, 1.0, .8, .6, .5, .6], [
        ("Micro Canister Stove", "49.95"), ("Two-Burner Propane Camp Stove", "119.00"),
        ("Liquid Fuel Expedition Stove", "149.00"), ("Isobutane Fuel Canister 230g", "5.95"),
        ("Isobutane Fuel Canister 450g", "7.95"), ("Titanium Cook Pot 750ml", "44.95"),
        ("Nesting Cookset 4-Person", "69.95"), ("Cast Iron Dutch Oven 6qt", "59.95"),
        ("Collapsible Water Jug 5 Gallon", "17.95"), ("Titanium Spork", "9.95"), ("Insulated Camp Mug 16oz", "19.95"),
        ("Rolling Cooler 50qt", "89.95"), ("Rotomolded Hard Cooler 65qt", "329.00"), ("Folding Camp Kitchen Table", "129.00"),
    ]),
    ("Hydration & Water Treatment", "HW", [.7, .8, 1.0, 1.3, 1.4, 1.4, 1.3, 1.1, .9, .7, .6, .6], [
        ("Squeeze Water Filter", "34.95"), ("Gravity Water Filter 4L", "89.95"),
        ("Water Purification Tablets 30-Count", "9.95"), ("UV Water Purifier Pen", "99.00"),
        ("Insulated Water Bottle 32oz", "34.95"), ("Hydration Reservoir 3L", "32.95"),
        ("Collapsible Water Bottle 1L", "14.95"), ("Expedition Pump Water Filter", "119.00"),
    ]),
    ("Lighting & Power", "LP", [1.0, .9, .9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.1, 1.1, 1.2], [
        ("Trailbeam 350 Headlamp", "29.95"), ("Trailbeam 600 Rechargeable Headlamp", "59.95"),
        ("Basecamp 1000 LED Lantern", "49.95"), ("Foldable Solar Panel 10W", "89.95"),
        ("Rugged Power Bank 10000mAh", "49.95"), ("AA Mini Flashlight", "12.95"), ("Glow Sticks 12-Pack", "8.95"),
        ("Emergency Candle Lantern", "24.95"),
    ]),
    ("Navigation & Safety", "NS", [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [
        ("Baseplate Compass", "19.95"), ("Handheld GPS Navigator", "249.00"), ("Personal Locator Beacon", "279.00"),
        ("Emergency Bivy Blanket", "16.95"), ("Signal Whistles 10-Pack", "14.95"), ("Bear Deterrent Spray 7.9oz", "44.95"),
        ("Two-Way Radio Pair 22-Channel", "69.95"), ("Waterproof Map Case", "19.95"),
    ]),
    ("First Aid", "FA", [1.0, 1.0, 1.0, 1.1, 1.1, 1.1, 1.0, 1.0, 1.0, .9, .9, .9], [
        ("Trail First Aid Kit", "29.95"), ("Group First Aid Kit 25-Person", "119.00"), ("Blister Care Kit", "12.95"),
        ("Wilderness Trauma Kit", "89.95"), ("Picaridin Insect Repellent 6oz", "9.95"),
        ("Sport Sunscreen SPF 50 6oz", "10.95"), ("Tick Removal Tool", "6.95"), ("Instant Cold Packs 12-Pack", "18.95"),
    ]),
    ("Fishing", "FI", [.4, .6, 1.3, 1.7, 1.8, 1.6, 1.3, 1.0, .7, .5, .3, .3], [
        ("Graphite Spinning Rod 7ft", "79.95"), ("Spinning Reel 3000", "69.95"), ("Fly Rod 9ft 5wt", "229.00"),
        ("Fly Reel 5/6wt", "119.00"), ("Three-Tray Tackle Box", "34.95"), ("Monofilament Line 10lb 330yd", "7.95"),
        ("Braided Line 30lb 150yd", "19.95"), ("Breathable Chest Waders", "199.00"), ("Rubber Mesh Landing Net", "49.95"),
        ("Trout Fly Assortment 36-Piece", "29.95"), ("Soft Plastic Worms 20-Pack", "5.95"), ("Youth Rod and Reel Combo", "29.95"),
    ]),
    ("Climbing", "CL", [.8, .8, 1.0, 1.2, 1.2, 1.1, 1.0, 1.0, 1.1, 1.1, .8, .7], [
        ("Dynamic Climbing Rope 9.8mm 60m", "219.00"), ("All-Round Climbing Harness", "69.95"),
        ("Locking Carabiner", "13.95"), ("Assisted Braking Belay Device", "99.95"), ("Chalk Bag with Belt", "19.95"),
        ("Climbing Helmet", "64.95"), ("Quickdraw Set 6-Pack", "109.00"), ("Bouldering Crash Pad", "189.00"),
    ]),
    ("Paddle Sports", "PD", [.2, .4, 1.0, 1.7, 2.0, 1.9, 1.5, 1.0, .5, .3, .2, .2], [
        ("Touring Kayak 12ft", "749.00"), ("Sit-on-Top Kayak 10ft", "449.00"), ("Kayak Paddle 230cm", "89.95"),
        ("Universal Adult PFD", "49.95"), ("Youth PFD", "39.95"), ("Ash Wood Canoe Paddle", "59.95"),
        ("Inflatable Paddle Board 10ft 6in", "549.00"), ("Nylon Spray Skirt", "69.95"), ("Roof Rack Kayak Carrier", "129.00"),
    ]),
    ("Winter Sports", "WS", [1.4, .9, .4, .2, .1, .1, .1, .3, 1.0, 1.8, 2.2, 2.0], [
        ("Trail Snowshoes 25in", "149.00"), ("Backcountry Snowshoes 30in", "219.00"),
        ("Aluminum Trekking Poles Pair", "59.95"), ("Microspikes Traction System", "69.95"),
        ("Avalanche Shovel", "59.95"), ("Avalanche Probe 240cm", "54.95"), ("OTG Ski Goggles", "79.95"),
        ("Hand Warmers 40-Pack", "24.95"), ("Cross-Country Ski Package", "399.00"),
    ]),
    ("Hunting & Optics", "HO", [.5, .4, .5, .6, .6, .6, .8, 1.4, 1.9, 1.9, 1.4, .9], [
        ("Ranger 10x42 Binoculars", "199.00"), ("Compact 8x32 Binoculars", "129.00"),
        ("Spotting Scope 20-60x80", "349.00"), ("Laser Rangefinder 800yd", "229.00"), ("Trail Camera 16MP", "119.00"),
        ("Game Bag Set of 4", "39.95"), ("Folding Hunting Knife", "49.95"), ("Pop-Up Ground Blind", "169.00"),
        ("18-Function Multi-Tool", "59.95"),
    ]),
]
DISCONTINUED = {"Junior Explorer Kids Sleeping Bag": date(2016, 9, 30), "Glow Sticks 12-Pack": date(2016, 11, 30),
                "Camp Moc Slip-On": date(2016, 6, 30), "Waterproof Map Case": date(2016, 12, 31)}
INTRODUCED = {"Inflatable Paddle Board 10ft 6in": date(2016, 3, 1), "Trail Camera 16MP": date(2017, 2, 1),
              "Trailbeam 600 Rechargeable Headlamp": date(2015, 9, 1), "Rugged Power Bank 10000mAh": date(2016, 1, 1),
              "Featherline Solo Ultralight Tent": date(2016, 2, 1), "Bouldering Crash Pad": date(2015, 6, 1)}

SEGMENTS = ("Big-box retail", "Independent dealer", "Online", "Government", "Camps & schools")
SEGMENT_BIAS = {
    "Government": {"First Aid": 3, "Navigation & Safety": 3, "Apparel": 2, "Lighting & Power": 2, "Paddle Sports": 1.5,
                   "Fishing": .3, "Climbing": .3, "Hunting & Optics": .4},
    "Camps & schools": {"Tents & Shelters": 2, "Sleeping Bags & Pads": 2, "Camp Kitchen": 2, "Paddle Sports": 1.5,
                        "First Aid": 2, "Winter Sports": .3, "Hunting & Optics": .1},
    "Big-box retail": {"Fishing": 1.6, "Hunting & Optics": 1.6, "Camp Kitchen": 1.5, "Climbing": .3},
    "Online": {"Hydration & Water Treatment": 1.4, "Lighting & Power": 1.4, "Footwear": 1.3, "Climbing": 1.3},
    "Independent dealer": {},
}
QTY_MULT = {"Big-box retail": 3.6, "Online": 2.2, "Independent dealer": 1.0, "Government": 1.6, "Camps & schools": 1.5}
LINES = {"Big-box retail": (3, 8), "Online": (2, 6), "Independent dealer": (1, 5), "Government": (1, 4), "Camps & schools": (2, 6)}

# --- customers -------------------------------------------------------------------------------------------------

BIG_BOX = [  # name, city, state, discount, credit limit
    ("Summit Sports Superstores", "Denver", "CO", "12", 500000),
    ("Great Plains Sporting Goods", "Omaha", "NE", "10", 150000),
    ("Trailway Outdoor Stores", "Minneapolis", "MN", "12.5", 400000),
    ("Big Sky Sports & Outdoors", "Boise", "ID", "10", 250000),
    ("Heartland Farm & Ranch Supply", "Des Moines", "IA", "10", 200000),
    ("Lakeshore Sports Warehouse", "Milwaukee", "WI", "12", 300000),
    ("Pinnacle Outdoor World", "Dallas", "TX", "15", None),
    ("Frontier Farm & Home", "Fort Worth", "TX", "10", 250000),
    ("Coastal Outdoor Outlet", "Charleston", "SC", "12", 200000),
    ("Redwood Sporting Goods Co.", "Sacramento", "CA", "12.5", 350000),
]
ONLINE_PREFIX = ["Trail", "Peak", "Camp", "Ridge", "Basecamp", "Outpost", "Wildbound", "GearLoft", "Pack", "Canyon",
                 "Timber", "Alpine", "Riverbend", "Cairn", "Switchback", "Compass", "Trekker", "Ember", "Backcountry",
                 "Tentpole", "Fireside", "Hiker's", "Angler's", "Paddle"]
ONLINE_SUFFIX = ["Cart.com", "Direct", "Online", "Depot Online", "Hub", "Shop.com", "Outlet Online", "Box Co.",
                 "Marketplace", "Supply Online", "Bargains LLC", "Gear.com"]
PLACE_WORDS = ["Cedar Creek", "Bear Lake", "Eagle Rock", "Pine Hollow", "Wolf River", "Silver Lake", "Stony Brook",
               "Maple Ridge", "Elk Horn", "Granite Peak", "Aspen Grove", "Cottonwood", "Sandhill", "Willow Bend",
               "Prairie Wind", "High Country", "Iron Range", "North Fork", "Copper Canyon", "Blue Ridge", "Hidden Valley",
               "Rocky Ford", "Deer Park", "Clearwater", "Timberline", "Osprey Point", "Heron Bay", "Fox Hollow",
               "Sawtooth", "Red Cliff", "Big Pine", "Lost Creek", "Shadow Mountain", "Thunder Basin", "Kettle River",
               "Bluebird", "Painted Rock", "Crooked Creek", "Otter Tail", "Spruce Knob", "Bitterroot", "Mill Pond",
               "Black Hawk", "Quail Run", "Long Meadow", "Tamarack", "Falcon Ridge", "Big Timber", "Bridger", "Muddy Fork"]
DEALER_KINDS = ["Outfitters", "Outdoor Co.", "Bait & Tackle", "Mountain Sports", "Trading Post", "Ski & Bike",
                "Paddle Shop", "Sporting Goods", "Outdoor Supply", "Camp & Trail", "Fly Shop", "General Store"]
CAMP_NAMES = ["Tamarack", "Arrowhead", "Kinnikinnick", "Wild Rose", "Cedar Point", "Lone Star", "Silver Birch",
              "Whispering Pines", "Echo Lake", "Red Oak", "Bear Paw", "Timber Trails", "Wapiti", "Sunrise Valley",
              "Blue Heron", "Running Deer", "Laurel Ridge", "Misty Hollow", "Sandy Shores", "Golden Eagle",
              "Hawk Mountain", "Pine Cone", "Singing Waters", "Meadowbrook"]
COLLEGES = ["Westbrook College", "Pine Ridge College", "Harlan State University", "Northfield Community College",
            "Cumberland Valley College", "Mesa Heights University", "Lakeland Technical College", "St. Brendan's Academy",
            "Crestwood High School", "Ashford Preparatory School"]
CANADA_CUSTOMERS = [
    ("Maple Leaf Outfitters Ltd.", "Toronto", "Independent dealer"), ("Northern Lights Camping Co.", "Edmonton", "Independent dealer"),
    ("Bow Valley Paddle & Trail", "Canmore", "Independent dealer"), ("Laurentian Plein Air Inc.", "Montréal", "Independent dealer"),
    ("Muskoka Trail Supply", "Toronto", "Independent dealer"), ("Coastline Kayak Ltd.", "Victoria", "Independent dealer"),
    ("Prairie North Sports", "Winnipeg", "Independent dealer"), ("Rideau Outdoor Gear", "Ottawa", "Independent dealer"),
    ("Sea to Sky Mountain Shop", "Whistler", "Independent dealer"), ("Chinook Country Outfitters", "Calgary", "Independent dealer"),
    ("Bluenose Outdoor Co.", "Halifax", "Independent dealer"), ("Vieux-Québec Aventure", "Québec City", "Independent dealer"),
    ("CanTrek Online Inc.", "Vancouver", "Online"), ("Portage Gear Direct", "Winnipeg", "Online"),
    ("Granville Island Boat & Tent", "Vancouver", "Independent dealer"), ("Ontario Parks Friends Store", "Ottawa", "Government"),
]
GERMANY_CUSTOMERS = [
    ("Bergsport Huber GmbH", "München", "Independent dealer"), ("Alpin Outdoor Müller GmbH", "Garmisch-Partenkirchen", "Independent dealer"),
    ("Nordwand Sport KG", "Stuttgart", "Independent dealer"), ("Trekking-Haus Schneider", "Freiburg im Breisgau", "Independent dealer"),
    ("Isar Kanu & Zelt GmbH", "München", "Independent dealer"), ("Wanderlust Versand GmbH", "Hamburg", "Online"),
    ("Waldläufer Outdoor e.K.", "Dresden", "Independent dealer"), ("Elbe Expeditionsbedarf GmbH", "Hamburg", "Independent dealer"),
    ("Rheinland Camping & Freizeit", "Köln", "Independent dealer"), ("Hauptstadt Outdoor GmbH", "Berlin", "Independent dealer"),
    ("Frankenwald Sport Weber", "Nürnberg", "Independent dealer"), ("Gipfelshop24 GmbH", "Frankfurt am Main", "Online"),
]
TITLES = {
    "Big-box retail": ["Category Manager - Camping", "Senior Buyer", "Accounts Payable Manager", "VP Merchandising", "Replenishment Analyst"],
    "Independent dealer": ["Owner", "Buyer", "Store Manager", "Bookkeeper", "Co-owner"],
    "Online": ["Purchasing Lead", "Founder", "Operations Manager", "Accounts Payable"],
    "Government": ["Procurement Officer", "Contracting Specialist", "Park Superintendent", "Fleet & Supply Coordinator"],
    "Camps & schools": ["Camp Director", "Outdoor Program Coordinator", "Business Manager", "Equipment Manager"],
}


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e", "â": "a"})
    return re.sub(r"[^a-z0-9]+", "", text.lower().translate(table))


@dataclass
class Customer:
    code: str
    name: str
    segment: str
    country: str
    city: str
    state: str
    region: str
    area: str
    currency: str
    owner: str
    credit_limit: int | None
    terms: int
    discount: Decimal
    weight: float
    start: date
    end: date | None
    payer: str                      # prompt, normal, slow, troubled, cod
    trouble_from: date | None = None
    domain: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    taxable: bool = True
    contacts: list = field(default_factory=list)
    engagement: float = 0.3


@dataclass
class Product:
    sku: str
    name: str
    category: str
    price: Decimal
    cost: Decimal
    popularity: float
    season: list
    introduced: date | None
    discontinued: date | None


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.phones: set[str] = set()
        self.fx = self._fx()

    # -- helpers ------------------------------------------------------------------------------------------------
    def _fx(self):
        rates = {"EUR": [], "CAD": []}
        for i in range(36):
            day = date(2015 + i // 12, i % 12 + 1, 1)
            rates["EUR"].append((day, Decimal(str(EUR_USD[i]))))
            rates["CAD"].append((day, Decimal(str(CAD_USD[i]))))
        return rates

    def phone(self, area: str, country: str = "United States") -> str:
        rng = self.rng
        while True:
            if country == "Germany":
                value = f"+49 {area} {rng.randint(200000, 9899999)}"
            else:
                value = f"({area}) {rng.randint(201, 989)}-{rng.randint(1000, 9999):04d}"
            if value not in self.phones:
                self.phones.add(value)
                return value

    def person(self, german: bool = False) -> tuple[str, str]:
        if german:
            return self.rng.choice(GERMAN_FIRST), self.rng.choice(GERMAN_LAST)
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    # -- catalogue ----------------------------------------------------------------------------------------------
    def products(self) -> list[Product]:
        products = []
        for category, prefix, season, items in CATALOGUE:
            for i, (name, price) in enumerate(items):
                price = Decimal(price)
                cost = money(price * Decimal(str(round(self.rng.uniform(0.52, 0.66), 3))))
                popularity = math.exp(self.rng.gauss(0, 0.7))
                products.append(Product(f"{prefix}-{1001 + i * 7}", name, category, price, cost, popularity, season,
                                        INTRODUCED.get(name), DISCONTINUED.get(name)))
        return products

    # -- customers ----------------------------------------------------------------------------------------------
    def customers(self) -> list[Customer]:
        rng = self.rng
        used: set[str] = set()
        out: list[Customer] = []

        def add(name, segment, country, city, state, region, area, currency, owner, limit, terms, discount, weight):
            used.add(name.lower())
            start = FIRST_DAY if rng.random() < 0.62 else FIRST_DAY + timedelta(days=rng.randint(30, 1010))
            end = None
            if segment != "Big-box retail" and rng.random() < 0.11:
                end = start + timedelta(days=rng.randint(150, 900))
                if end > date(2017, 8, 31):
                    end = None
            r = rng.random()
            payer = "prompt" if r < 0.55 else "normal" if r < 0.83 else "slow" if r < 0.96 else "troubled"
            c = Customer("", name, segment, country, city, state, region, area, currency, owner, limit, terms,
                         Decimal(discount), weight, start, end, payer)
            out.append(c)
            return c

        def unique(make):
            for _ in range(200):
                name = make()
                if name.lower() not in used:
                    return name
            raise RuntimeError("no unique name")

        cities_by_state = {}
        for city, st, region, area in US_CITIES:
            cities_by_state.setdefault(st, []).append((city, st, region, area))

        for name, city, st, disc, limit in BIG_BOX:
            region, area = next((r, a) for c, s, r, a in US_CITIES if c == city and s == st)
            c = add(name, "Big-box retail", "United States", city, st, region, area, "USD", NATIONAL_REP, limit, 60,
                    disc, 9.0 * rng.uniform(0.6, 1.5))
            c.start, c.end, c.payer = FIRST_DAY, None, "normal"
            c.engagement = 1.6
        # the chain that got into trouble in 2017, and the one that joined in 2016
        out[1].payer, out[1].trouble_from, out[1].end = "troubled", date(2017, 5, 8), date(2017, 9, 22)
        out[9].start = date(2016, 2, 15)
        out[6].payer = "prompt"

        for _ in range(22):
            def online_name():
                prefix, suffix = rng.choice(ONLINE_PREFIX), rng.choice(ONLINE_SUFFIX)
                joined = re.sub(r"[^A-Za-z]", "", prefix)
                return f"{joined}{suffix}" if suffix.endswith(".com") else f"{prefix} {suffix}"

            name = unique(online_name)
            city, st, region, area = rng.choice(US_CITIES)
            limit = rng.choice([25000, 40000, 50000, 75000, 100000, None])
            add(name, "Online", "United States", city, st, region, area, "USD", NATIONAL_REP, limit, 30,
                rng.choice(["8", "8", "5"]), 3.2 * math.exp(rng.gauss(0, 0.5))).engagement = 0.7

        agencies_used: set[str] = set()
        for _ in range(44):
            city, st, region, area = rng.choice(US_CITIES)
            kind = rng.random()
            if kind < 0.35:
                name = f"City of {city} Parks & Recreation"
            elif kind < 0.55 and st not in agencies_used:
                agencies_used.add(st)
                name = rng.choice([f"{STATE_NAMES[st]} State Parks", f"{STATE_NAMES[st]} Dept. of Natural Resources",
                                   f"{STATE_NAMES[st]} Fish & Wildlife"])
            elif kind < 0.75:
                name = f"{city} Fire & Rescue"
            elif kind < 0.88:
                name = f"{city} County Sheriff's Office"
            else:
                name = f"US Forest Service - {rng.choice(['Ranger District', 'Supply Cache'])} {city}"
            if name.lower() in used:
                continue
            limit = None if rng.random() < 0.7 else rng.choice([20000, 50000, 100000])
            add(name, "Government", "United States", city, st, region, area, "USD", REGION_REP[region], limit, 45,
                "5", 0.8 * math.exp(rng.gauss(0, 0.5))).engagement = 0.2

        for _ in range(38):
            city, st, region, area = rng.choice(US_CITIES)
            r = rng.random()
            if r < 0.55:
                name = unique(lambda: f"Camp {rng.choice(CAMP_NAMES)}" + rng.choice(["", "", " YMCA", " Scout Reservation"]))
            elif r < 0.75:
                name = f"{city} Area Scout Council"
            else:
                name = unique(lambda: f"{rng.choice(COLLEGES)} Outdoor Program")
            if name.lower() in used:
                continue
            add(name, "Camps & schools", "United States", city, st, region, area, "USD", REGION_REP[region],
                rng.choice([5000, 10000, 15000, 20000, None]), 30, rng.choice(["10", "0", "0"]),
                0.7 * math.exp(rng.gauss(0, 0.5))).engagement = 0.25

        for _ in range(275):
            city, st, region, area = rng.choice(US_CITIES)

            def dealer_name():
                r = rng.random()
                if r < 0.3:
                    last = rng.choice(LAST_NAMES)
                    return f"{last}{chr(39) if last.endswith('s') else chr(39) + 's'} {rng.choice(DEALER_KINDS)}"
                if r < 0.4:
                    return f"{rng.choice(LAST_NAMES)} & Sons {rng.choice(['Hardware & Sporting', 'Sporting Goods', 'Outfitters'])}"
                if r < 0.85:
                    return f"{rng.choice(PLACE_WORDS)} {rng.choice(DEALER_KINDS)}"
                return f"{city} {rng.choice(['Army Navy Store', 'Outdoor Supply', 'Bait & Tackle', 'Ski & Sport'])}"

            name = unique(dealer_name)
            r = rng.random()
            if r < 0.035:
                limit, terms = 0, 0
            elif r < 0.13:
                limit, terms = None, 30
            else:
                limit, terms = rng.choice([5000, 7500, 10000, 15000, 20000, 25000, 35000, 50000]), rng.choice([30, 30, 30, 15, 45])
            c = add(name, "Independent dealer", "United States", city, st, region, area, "USD", REGION_REP[region],
                    limit, terms, "0", 1.0 * math.exp(rng.gauss(0, 0.75)))
            c.engagement = rng.choice([0.15, 0.25, 0.35, 0.5])
            if limit == 0:
                c.payer = "cod"

        for name, city, segment in CANADA_CUSTOMERS:
            prov, area = next((p, a) for cc, p, a in CA_CITIES if cc == city)
            c = add(name, segment, "Canada", city, prov, "CA", area, "CAD", INTL_REP,
                    rng.choice([15000, 25000, 40000, 60000]), 30, "0", 1.3 * math.exp(rng.gauss(0, 0.5)))
            c.engagement, c.payer = 0.5, "prompt"      # export customers pay by wire before the due date
        for name, city, segment in GERMANY_CUSTOMERS:
            plz, area = next((p, a) for cc, p, a in DE_CITIES if cc == city)
            c = add(name, segment, "Germany", city, plz, "DE", area, "EUR", INTL_REP,
                    rng.choice([10000, 20000, 30000, 50000]), 45, "0", 1.2 * math.exp(rng.gauss(0, 0.5)))
            c.engagement, c.payer = 0.5, "prompt"

        # Codes in order of the customer's first business with us.
        out.sort(key=lambda c: (c.start, c.name))
        for i, c in enumerate(out):
            c.code = f"AC{10001 + i}"
            if c.payer == "troubled" and c.trouble_from is None:
                c.trouble_from = TODAY - timedelta(days=rng.randint(120, 420))
            c.taxable = c.country == "United States" and c.segment != "Government"
            self._contact_details(c)
        return out

    def _contact_details(self, c: Customer) -> None:
        rng = self.rng
        base = re.sub(r"\b(inc|ltd|llc|co|gmbh|kg|e\.?k)\b\.?", "", c.name.lower())
        base = slug(base.replace(".com", ""))[:22] or slug(c.name)
        if c.segment == "Government":
            tld = ".gov" if c.country == "United States" else ".ca"
            words = [w for w in re.findall(r"[a-z]+", c.name.lower()) if w not in ("of", "the", "and", "dept", "s")]
            base = "".join(words)[:20]
        else:
            tld = {"United States": ".com", "Canada": ".ca", "Germany": ".de"}[c.country]
        c.domain = base + tld
        c.email = rng.choice(["orders", "purchasing", "info", "buying", "ap"]) + "@" + c.domain
        if c.country == "Germany":
            c.email = rng.choice(["einkauf", "info", "bestellung"]) + "@" + c.domain
        if rng.random() < 0.06:
            c.email = ""
        c.phone = self.phone(c.area, c.country)
        if c.country == "United States":
            c.address = (f"{rng.randint(100, 9899)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}, {c.city}, "
                         f"{c.state} {rng.randint(10000, 99899):05d}")
        elif c.country == "Canada":
            c.address = (f"{rng.randint(10, 2999)} {rng.choice(STREETS)} {rng.choice(['Street', 'Avenue', 'Road'])}, "
                         f"{c.city}, {c.state} {rng.choice('KLMNPRTV')}{rng.randint(1, 9)}{rng.choice('ABCEGHJ')} "
                         f"{rng.randint(1, 9)}{rng.choice('KLMNPR')}{rng.randint(1, 9)}")
        else:
            c.address = f"{rng.choice(DE_STREETS)} {rng.randint(1, 140)}, {c.state}{rng.randint(100, 999)} {c.city}"
        n = 3 if c.segment == "Big-box retail" else rng.choice([1, 1, 2, 2, 2, 3])
        titles = list(TITLES[c.segment])
        rng.shuffle(titles)
        seen = set()
        for k in range(n):
            first, last = self.person(c.country == "Germany")
            if (first, last) in seen:
                continue
            seen.add((first, last))
            style = rng.random()
            local = (f"{first}.{last}" if style < 0.5 else f"{first[0]}{last}" if style < 0.85 else first).lower()
            email = slug(local.replace(".", "dot")).replace("dot", ".") + "@" + c.domain if rng.random() > 0.08 else ""
            phone = self.phone(c.area, c.country) if rng.random() < 0.8 else ""
            c.contacts.append((f"{first} {last}", email, phone, titles[k % len(titles)]))

    # -- orders -------------------------------------------------------------------------------------------------
    def build(self):
        rng = self.rng
        products = self.products()
        customers = self.customers()
        self.products_list, self.customers_list = products, customers
        by_category: dict[str, list[Product]] = {}
        for p in products:
            by_category.setdefault(p.category, []).append(p)
        categories = [c[0] for c in CATALOGUE]
        season_base = [.75, .9, 1.15, 1.3, 1.3, 1.1, .9, 1.0, 1.1, 1.05, .95, .72]
        growth = {2015: 1.0, 2016: 1.08, 2017: 1.17}
        out_of_stock = {"Ridgeback 2-Person Backpacking Tent", "Trail Camera 16MP", "Kestrel 0F Down Sleeping Bag"}

        orders = []
        month = date(2015, 1, 1)
        while month <= TODAY:
            y, m = month.year, month.month
            next_month = date(y + (m == 12), m % 12 + 1, 1)
            last_day = min(next_month - timedelta(days=1), TODAY)
            days = [month + timedelta(days=i) for i in range((last_day - month).days + 1)]
            days = [d for d in days if d.weekday() < 5]
            share = len(days) / 21.7
            count = int(round(150 * season_base[m - 1] * growth[y] * share * rng.uniform(0.92, 1.08)))
            active = [c for c in customers if c.start <= last_day and (c.end is None or c.end >= month)]
            weights = []
            for c in active:
                w = c.weight
                if c.segment == "Camps & schools":
                    w *= 2.2 if m in (2, 3, 4, 5) else 0.35
                elif c.segment == "Government":
                    w *= 2.0 if m in (8, 9) else 0.85
                elif c.country == "Germany" and m in (7, 8):
                    w *= 0.6
                weights.append(w)
            for _ in range(count):
                c = rng.choices(active, weights)[0]
                day = rng.choice([d for d in days if d >= c.start and (c.end is None or d <= c.end)] or days)
                orders.append(self._order(c, day, by_category, categories))
            month = next_month

        orders.sort(key=lambda o: (o["date"], o["customer"].code))
        counters: dict[int, int] = {}
        for o in orders:
            counters[o["date"].year] = counters.get(o["date"].year, 0) + 1
            o["number"] = f"BO-{o['date'].year % 100}-{counters[o['date'].year]:04d}"

        # Status: cancelled, backordered (open), shipped, invoiced.
        sku_by_name = {p.name: p for p in products}
        for o in orders:
            c = o["customer"]
            o["status"] = "invoiced"
            o["shipped"] = None
            if rng.random() < (0.035 if c.segment == "Big-box retail" else 0.022):
                o["status"] = "cancelled"
                continue
            lag = rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5])
            ship = add_business_days(o["date"], lag)
            backorder = any(p.name in out_of_stock for p, *_ in o["lines"]) and o["date"] >= date(2017, 10, 20)
            if backorder or ship > TODAY:
                o["status"] = "open"
                continue
            o["shipped"] = ship
            o["invoice_date"] = ship + timedelta(days=rng.choice([0, 0, 0, 0, 1, 2]))
            if o["invoice_date"] > TODAY:
                o["status"] = "shipped"
        # A few older orders still waiting to ship (a dealer's pre-season order held for a ship window).
        candidates = [o for o in orders if date(2017, 11, 1) <= o["date"] <= date(2017, 11, 30)
                      and o["status"] == "invoiced" and o["customer"].segment == "Independent dealer"]
        for o in rng.sample(candidates, 6):
            o["status"], o["shipped"] = "open", None
            o.pop("invoice_date", None)
        self.orders = orders
        self.sku_by_name = sku_by_name
        self._invoices()
        self._stock()
        return self

    def _order(self, c: Customer, day: date, by_category, categories) -> dict:
        rng = self.rng
        bias = SEGMENT_BIAS.get(c.segment, {})
        cweights = []
        for cat in categories:
            season = next(s for n, _, s, _ in CATALOGUE if n == cat)[day.month - 1]
            w = season * bias.get(cat, 1.0)
            if c.country == "Germany":
                w *= {"Climbing": 2.0, "Winter Sports": 1.5, "Hunting & Optics": 0.3, "Fishing": 0.5}.get(cat, 1.0)
            cweights.append(w)
        lo, hi = LINES[c.segment]
        n = rng.randint(lo, hi)
        chosen: list[Product] = []
        for _ in range(n * 3):
            if len(chosen) >= n:
                break
            cat = rng.choices(categories, cweights)[0]
            pool = [p for p in by_category[cat] if (p.introduced is None or p.introduced <= day)
                    and (p.discontinued is None or p.discontinued >= day)]
            if not pool:
                continue
            p = rng.choices(pool, [p.popularity for p in pool])[0]
            if p not in chosen:
                chosen.append(p)
        lines = []
        year_factor = {2015: Decimal("1.0609"), 2016: Decimal("1.03"), 2017: Decimal(1)}[day.year]
        for p in chosen:
            price = money(p.price / year_factor)
            if c.currency == "CAD":
                price = money(price * Decimal("1.31"))
            elif c.currency == "EUR":
                price = money(price * Decimal("0.94"))
            q = self._quantity(p.price, QTY_MULT.get(c.segment, 1.0) * (2.0 if c.country != "United States" else 1.0))
            disc = c.discount
            if c.segment == "Independent dealer":
                if q >= 24 and rng.random() < 0.6:
                    disc = Decimal(5)
                elif day.month in (1, 2) and p.category in ("Tents & Shelters", "Paddle Sports", "Fishing"):
                    disc = Decimal("7.5")
                elif c.country != "United States" and q >= 12:
                    disc = Decimal(3)
            lines.append((p, q, price, disc))
        return {"customer": c, "date": day, "lines": lines}

    def _quantity(self, price: Decimal, mult: float) -> int:
        rng = self.rng
        if price < 15:
            base = rng.choice([12, 24, 24, 36, 48])
        elif price < 40:
            base = rng.choice([6, 6, 12, 12, 18, 24])
        elif price < 120:
            base = rng.randint(2, 10)
        elif price < 350:
            base = rng.randint(1, 5)
        else:
            base = rng.randint(1, 2)
        q = max(1, int(round(base * mult * rng.uniform(0.7, 1.3))))
        if price < 40 and q >= 6:
            q = max(6, q // 6 * 6)
        return q

    # -- receivables --------------------------------------------------------------------------------------------
    def _invoices(self) -> None:
        rng = self.rng
        invoices = []
        for o in self.orders:
            if o["status"] != "invoiced":
                continue
            c = o["customer"]
            net = sum((money(Decimal(q) * price * (1 - disc / 100)) for _, q, price, disc in o["lines"]), Decimal(0))
            amount = money(net * (1 + TAX_PCT / 100)) if c.taxable else net
            issue = o["invoice_date"]
            invoices.append({"customer": c, "order": o, "issue": issue, "due": issue + timedelta(days=c.terms),
                             "amount": amount, "status": "open", "currency": c.currency})
        # Voided invoices: billing mistakes, re-issued on the order's own invoice.
        dealers = [c for c in self.customers_list if c.segment == "Independent dealer" and c.country == "United States"]
        for _ in range(9):
            c = rng.choice(dealers)
            issue = FIRST_DAY + timedelta(days=rng.randint(40, 1040))
            invoices.append({"customer": c, "order": None, "issue": issue, "due": issue + timedelta(days=c.terms),
                             "amount": money(Decimal(rng.randint(15000, 240000)) / 100), "status": "void",
                             "currency": c.currency})
        invoices.sort(key=lambda i: (i["issue"], i["customer"].code, i["order"]["number"] if i["order"] else ""))
        counters: dict[int, int] = {}
        for inv in invoices:
            year = inv["issue"].year
            counters[year] = counters.get(year, 0) + 1
            inv["number"] = f"BI-{year % 100}-{counters[year]:05d}"

        payments = []
        methods_by_segment = {"Big-box retail": ["ACH", "ACH", "wire"], "Online": ["ACH", "credit card"],
                              "Government": ["ACH", "check"], "Camps & schools": ["check", "check", "ACH"],
                              "Independent dealer": ["check", "ACH", "ACH", "credit card"]}
        for inv in invoices:
            if inv["status"] == "void":
                continue
            c = inv["customer"]
            method = "wire" if c.country != "United States" else rng.choice(methods_by_segment[c.segment])
            terms_day = inv["due"]
            if c.payer == "cod":
                pay = inv["issue"]
            elif c.payer == "prompt":
                pay = terms_day - timedelta(days=rng.randint(0, min(12, c.terms)))
            elif c.payer == "normal":
                pay = terms_day + timedelta(days=rng.randint(-6, 12))
            elif c.payer == "slow":
                pay = terms_day + timedelta(days=int(rng.triangular(5, 80, 25)))
            else:  # troubled: fine until trouble_from, then pays little
                if inv["issue"] < c.trouble_from:
                    pay = terms_day + timedelta(days=rng.randint(0, 30))
                else:
                    pay = None
            if c.payer not in ("troubled", "cod") and c.country == "United States" and rng.random() < 0.006:
                pay = None                      # a disputed invoice nobody paid
            if pay is not None and pay < inv["issue"]:
                pay = inv["issue"]
            amount = inv["amount"]
            if pay is None:
                if c.payer == "troubled" and rng.random() < 0.35:
                    part = money(amount * Decimal(rng.choice(["0.25", "0.4", "0.5"])))
                    when = inv["due"] + timedelta(days=rng.randint(5, 60))
                    if when <= TODAY and part > 0:
                        payments.append((inv, when, part, method))
                continue
            if rng.random() < 0.06 and amount > 200:
                first = money(amount * Decimal(rng.choice(["0.3", "0.5", "0.6"])))
                first_day = pay - timedelta(days=rng.randint(10, 30))
                if first_day < inv["issue"]:
                    first_day = inv["issue"]
                if first_day <= TODAY:
                    payments.append((inv, first_day, first, method))
                    if pay <= TODAY:
                        payments.append((inv, pay, amount - first, method))
                continue
            if pay <= TODAY:
                payments.append((inv, pay, amount, method))
        payments.sort(key=lambda p: (p[1], p[0]["number"]))
        self.invoices, self.payments = invoices, payments

    def _stock(self) -> None:
        rng = self.rng
        units: dict[str, int] = {}
        for o in self.orders:
            if o["date"] >= date(2017, 1, 1) and o["status"] != "cancelled":
                for p, q, *_ in o["lines"]:
                    units[p.sku] = units.get(p.sku, 0) + q
        low = rng.sample([p for p in self.products_list if p.discontinued is None
                          and p.name not in ("Ridgeback 2-Person Backpacking Tent", "Trail Camera 16MP",
                                             "Kestrel 0F Down Sleeping Bag")], 9)
        self.stock = {}
        for p in self.products_list:
            monthly = units.get(p.sku, 0) / 11.5
            if p.discontinued is not None:
                self.stock[p.sku] = (0, 0)
                continue
            reorder = max(5, int(round(monthly * rng.uniform(0.8, 1.4) / 5)) * 5)
            if p.name in ("Ridgeback 2-Person Backpacking Tent", "Trail Camera 16MP", "Kestrel 0F Down Sleeping Bag"):
                qty = 0
            elif p in low:
                qty = int(reorder * rng.uniform(0.15, 0.85))
            else:
                qty = int(reorder * rng.uniform(1.3, 4.5)) + rng.randint(1, 9)
            if qty == reorder:
                qty += 1
            self.stock[p.sku] = (qty, reorder)

    # -- CRM activity --------------------------------------------------------------------------------------------
    def interactions(self) -> list[tuple]:
        rng = self.rng
        rows = []
        last_order: dict[str, date] = {}
        for o in self.orders:
            last_order[o["customer"].code] = o["date"]
        seen = set()
        for c in self.customers_list:
            first_names = [n.split()[0] for n, *_ in c.contacts] or ["the buyer"]
            stop = min(TODAY - timedelta(days=1), (c.end + timedelta(days=45)) if c.end else TODAY - timedelta(days=1))
            day = c.start
            while day <= stop:
                p_month = c.engagement * (1.0 if day.year == 2017 else 0.55)
                # Quiet accounts: no orders for months means fewer calls.
                if c.code in last_order and last_order[c.code] < day - timedelta(days=120):
                    p_month *= 0.25
                k = 0
                while rng.random() < p_month and k < 3:
                    k += 1
                    when = day + timedelta(days=rng.randint(0, 27))
                    if when > stop or when.weekday() >= 5:
                        continue
                    kind = rng.choices(["call", "email", "meeting", "chat", "note"], [35, 30, 15, 10, 10])[0]
                    summary = self._summary(c, kind, rng.choice(first_names), when)
                    rows.append(self._interaction_row(c, when, kind, summary, c.owner, seen))
                    p_month *= 0.6
                day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        # Collection calls on invoices paid late (or not at all), from finance.
        paid_on: dict[str, date] = {}
        paid: dict[str, Decimal] = {}
        for inv, day, amount, _ in self.payments:
            paid[inv["number"]] = paid.get(inv["number"], Decimal(0)) + amount
            paid_on[inv["number"]] = day
        for inv in self.invoices:
            c = inv["customer"]
            if inv["status"] == "void" or c.payer not in ("slow", "troubled"):
                continue
            when = inv["due"] + timedelta(days=rng.randint(8, 25))
            settled = paid.get(inv["number"], Decimal(0)) >= inv["amount"] and paid_on[inv["number"]] <= when
            if settled or rng.random() < 0.3:
                continue
            if when >= TODAY or when.weekday() >= 5:
                continue
            contact = next((n for n, _, _, t in c.contacts if "Payable" in t or "Bookkeeper" in t or "Business" in t),
                           c.contacts[0][0] if c.contacts else "accounts payable")
            promise = when + timedelta(days=rng.randint(5, 14))
            summary = (f"Collection call: invoice {inv['number']} is {(when - inv['due']).days} days past due; "
                       f"{contact} promised payment by {promise:%b %d}.")
            rows.append(self._interaction_row(c, when, rng.choice(["call", "email"]), summary, FINANCE, seen))
        rows.sort(key=lambda r: (r[1], r[0]))
        return rows

    def _interaction_row(self, c: Customer, when: date, kind: str, summary: str, employee: str, seen: set) -> tuple:
        rng = self.rng
        while True:
            hh, mm = rng.randint(8, 16), rng.choice([0, 10, 15, 20, 30, 40, 45, 50])
            if c.country == "Germany":
                offset = "+01:00" if when.month in (1, 2, 3, 11, 12) else "+02:00"
                stamp = f"{when.isoformat()}T{hh + 1:02d}:{mm:02d}{offset}"
            else:
                stamp = f"{when.isoformat()}T{hh:02d}:{mm:02d}"
            key = (c.code, stamp, kind)
            if key not in seen:
                seen.add(key)
                return (c.code, stamp, kind, summary, employee)

    def _summary(self, c: Customer, kind: str, who: str, when: date) -> str:
        rng = self.rng
        p = rng.choice(self.products_list[:])
        while p.discontinued is not None:
            p = rng.choice(self.products_list)
        season = "spring" if when.month in (12, 1, 2, 3) else "summer" if when.month in (4, 5) else \
            "fall" if when.month in (6, 7, 8) else "winter"
        year = when.year + (1 if when.month == 12 and season == "spring" else 0)
        options = {
            "call": [f"Called {who} about the {season} {year} {p.category.lower()} order; wants pricing on the {p.name}.",
                     f"{who} called: sell-through on the {p.name} is good, will reorder next month.",
                     f"Check-in call with {who}; asked about freight on orders under the prepaid minimum."],
            "email": [f"Sent the {season} {year} dealer price list and catalog to {who}.",
                      f"Emailed {who} the spec sheet for the {p.name}.",
                      f"{who} asked by email for updated lead times on {p.category.lower()}."],
            "meeting": [f"Store visit with {who}: reviewed the {p.category.lower()} wall and planned the {season} reset.",
                        f"Line review with {who}; showed the {p.name} and the {season} {year} program.",
                        f"Met {who} at the regional buying show; interested in {p.category.lower()} for {year}."],
            "chat": [f"{who} asked on chat whether the {p.name} is in stock.",
                     f"Quick chat with {who} about a missing tracking number."],
            "note": [f"{who} prefers deliveries on Tuesdays; dock closes at 3pm.",
                     f"Account note: {who} is the decision maker for {p.category.lower()}.",
                     f"Reminder: send {who} the co-op advertising claim form."],
        }
        return rng.choice(options[kind])

    def tickets(self) -> list[tuple]:
        rng = self.rng
        rows = []
        shipped = [o for o in self.orders if o["shipped"] is not None]
        invoice_of = {inv["order"]["number"]: inv for inv in self.invoices if inv["order"] is not None}
        for o in shipped:
            if rng.random() > (0.085 if o["shipped"] < date(2017, 10, 1) else 0.13):
                continue
            c = o["customer"]
            p = rng.choice(o["lines"])[0]
            opened_day = o["shipped"] + timedelta(days=rng.randint(1, 18))
            if opened_day >= TODAY:
                continue
            inv = invoice_of.get(o["number"])
            templates = [
                (f"Damaged in transit: {p.name}", f"Carton crushed on arrival, order {o['number']}; photos attached by the customer.", "high"),
                (f"Short shipment on order {o['number']}", f"Packing list shows the {p.name} but it was not in the delivery.", "medium"),
                (f"Wrong item shipped on {o['number']}", f"Received a different model instead of the {p.name}.", "medium"),
                (f"Warranty claim: {p.name}", "End customer reports a failure within the first season; asks for replacement.", "medium"),
                (f"Missing parts: {p.name}", f"Hardware bag missing from several units of order {o['number']}.", "low"),
                (f"Return authorization request for {p.name}", f"Customer overstocked; asks for an RA on part of order {o['number']}.", "low"),
                (f"Late delivery on order {o['number']}", "Carrier missed the delivery window; the store had an ad running.", "high"),
            ]
            if inv is not None:
                templates.append((f"Invoice {inv['number']} does not match PO", f"Price on the {p.name} differs from the confirmed PO.", "medium"))
            subject, description, priority = rng.choice(templates)
            if rng.random() < 0.08:
                priority = "urgent"
            hh, mm = rng.randint(7, 17), rng.randint(0, 59)
            opened = datetime(opened_day.year, opened_day.month, opened_day.day, hh, mm)
            age = (TODAY - opened_day).days
            if age > 60:
                status = "closed" if rng.random() < 0.99 else "open"
            elif age > 21:
                status = rng.choices(["closed", "pending", "open"], [82, 6, 12])[0]
            else:
                status = rng.choices(["closed", "pending", "open"], [30, 20, 50])[0]
            if status == "pending" and priority == "urgent":
                status = "open"
            closed = ""
            if status == "closed":
                closed_at = opened + timedelta(hours=rng.randint(2, 24 * 10))
                if closed_at.date() >= TODAY:
                    closed_at = opened + timedelta(minutes=rng.randint(20, 90))
                if closed_at.date() >= TODAY:
                    status = "open"
                else:
                    closed = closed_at.strftime("%Y-%m-%dT%H:%M")
            rows.append([c.code, opened.strftime("%Y-%m-%dT%H:%M"), subject, status, priority, description, closed])
        rows.sort(key=lambda r: r[1])
        return [(f"CS-{1001 + i}", *r) for i, r in enumerate(rows)]

    def opportunities(self) -> list[tuple]:
        rng = self.rng
        rows = []
        used = set()
        programs = {
            "Big-box retail": ["tent reset", "fishing program", "hunting season buy", "camp kitchen endcap",
                               "winter traction display", "paddle sports program", "private-label coolers"],
            "Online": ["exclusive colorway", "drop-ship program", "headlamp bundle", "hydration promo"],
            "Government": ["ranger kit bid", "first aid restock contract", "PFD replacement", "search & rescue packs"],
            "Camps & schools": ["summer camp tent fleet", "canoe program refresh", "sleeping bag replacement"],
            "Independent dealer": ["pre-season order", "fly shop expansion", "rental fleet", "new store opening"],
        }
        for c in self.customers_list:
            if c.end is not None:
                continue
            n = {"Big-box retail": rng.randint(3, 6), "Online": rng.choice([0, 1, 1, 2]),
                 "Government": rng.choice([0, 1, 1, 2]), "Camps & schools": rng.choice([0, 0, 1]),
                 "Independent dealer": rng.choice([0, 0, 0, 0, 1])}[c.segment]
            short = re.sub(r"\b(Inc\.|Ltd\.|LLC|Co\.|GmbH|KG|e\.K\.)", "", c.name).strip(" ,")
            for _ in range(n):
                program = rng.choice(programs[c.segment])
                r = rng.random()
                if r < 0.45:   # closed in the past
                    close = FIRST_DAY + timedelta(days=rng.randint(60, (TODAY - FIRST_DAY).days - 5))
                    stage = "closed_won" if rng.random() < 0.55 else "closed_lost"
                else:
                    close = TODAY + timedelta(days=rng.randint(5, 190)) if rng.random() < 0.88 else \
                        TODAY - timedelta(days=rng.randint(10, 50))
                    stage = rng.choices(["lead", "qualification", "proposal", "negotiation"], [20, 25, 30, 25])[0]
                season = "Spring" if close.month in (1, 2, 3, 11, 12) else "Summer" if close.month in (4, 5, 6, 7) else "Fall"
                name = f"{short} - {season} {close.year + (1 if close.month >= 11 else 0)} {program}"
                if name in used:
                    continue
                used.add(name)
                size = {"Big-box retail": (40000, 380000), "Online": (8000, 60000), "Government": (5000, 90000),
                        "Camps & schools": (3000, 25000), "Independent dealer": (2500, 30000)}[c.segment]
                amount = int(rng.uniform(*size) / 250) * 250
                prob = "" if rng.random() < 0.8 or stage.startswith("closed") else str(rng.choice([15, 30, 40, 60, 80]))
                rows.append((name, c.code, stage, str(amount), close.isoformat(), c.owner, prob))
        return rows


def add_business_days(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _write(path: Path, header: list[str], rows) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            count += 1
    return count


def write_company(out_dir: Path, seed: int = 3) -> None:
    """Write the company's CSV files (Tandem's import format) into out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    g = Generator(seed).build()

    _write(out_dir / "company.csv", ["name", "base_currency", "timezone", "tax_rate_pct"], [COMPANY])
    fx_rows = [(cur, d.isoformat(), str(r)) for cur in ("CAD", "EUR") for d, r in g.fx[cur]]
    _write(out_dir / "fx_rates.csv", ["currency", "rate_date", "rate"], fx_rows)
    _write(out_dir / "employees.csv", ["code", "name", "email", "role", "region", "manager_code"], EMPLOYEES)
    _write(out_dir / "customers.csv",
           ["code", "name", "email", "phone", "country", "city", "address", "segment", "currency", "credit_limit",
            "payment_terms_days", "owner_code"],
           [(c.code, c.name, c.email, c.phone, c.country, c.city, c.address, c.segment, c.currency,
             "" if c.credit_limit is None else c.credit_limit, c.terms, c.owner) for c in g.customers_list])
    _write(out_dir / "contacts.csv", ["customer_code", "name", "email", "phone", "title"],
           [(c.code, *contact) for c in g.customers_list for contact in c.contacts])
    _write(out_dir / "products.csv",
           ["sku", "name", "category", "unit_price", "unit_cost", "currency", "stock_qty", "reorder_level", "active"],
           [(p.sku, p.name, p.category, p.price, p.cost, "USD", *g.stock[p.sku],
             "false" if p.discontinued is not None else "true") for p in g.products_list])
    _write(out_dir / "orders.csv",
           ["number", "customer_code", "order_date", "status", "currency", "salesperson_code", "ship_country",
            "ship_city", "required_date", "shipped_date"],
           [(o["number"], o["customer"].code, o["date"].isoformat(), o["status"], o["customer"].currency,
             o["customer"].owner, o["customer"].country, o["customer"].city,
             (o["date"] + timedelta(days=14 if o["customer"].country == "United States" else 28)).isoformat(),
             o["shipped"].isoformat() if o["shipped"] else "") for o in g.orders])
    _write(out_dir / "order_lines.csv", ["order_number", "sku", "quantity", "unit_price", "discount_pct"],
           [(o["number"], p.sku, q, price, "" if disc == 0 else format(disc.normalize(), "f"))
            for o in g.orders for p, q, price, disc in o["lines"]])
    _write(out_dir / "invoices.csv",
           ["number", "customer_code", "order_number", "issue_date", "due_date", "currency", "amount", "status"],
           [(i["number"], i["customer"].code, i["order"]["number"] if i["order"] else "", i["issue"].isoformat(),
             i["due"].isoformat(), i["currency"], i["amount"], i["status"]) for i in g.invoices])
    _write(out_dir / "payments.csv", ["invoice_number", "paid_on", "amount", "method"],
           [(inv["number"], day.isoformat(), amount, method) for inv, day, amount, method in g.payments])
    _write(out_dir / "interactions.csv", ["customer_code", "occurred_at", "kind", "summary", "employee_code"],
           g.interactions())
    _write(out_dir / "tickets.csv",
           ["number", "customer_code", "opened_at", "subject", "status", "priority", "description", "closed_at"],
           g.tickets())
    _write(out_dir / "opportunities.csv",
           ["name", "customer_code", "stage", "amount", "close_date", "owner_code", "probability"],
           g.opportunities())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    write_company(args.out_dir, seed=args.seed)
    for path in sorted(args.out_dir.glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            rows = sum(1 for _ in f) - 1
        print(f"{path.name:20} {rows:>7} rows")


if __name__ == "__main__":
    main()
