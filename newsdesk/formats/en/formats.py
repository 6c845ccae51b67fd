"""How Newsdesk writes dates and times in English, in the admin and in messages.

Django's English formats end times in "a.m."/"p.m.", so a sentence ending on a time read
"goes live at May 3, 2026, 9:30 a.m.." One newsroom style instead, the one public pages use:
3 May 2026, 09:30. Input formats are Django's own (this module leaves them out).
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
