from bot.testing import Client

RECE_BY_DATE = {  # answers by node and option id (knowledge/flow.yaml)
    "nationality": "other",
    "finished": "done",
    "diploma": "master",
    "titre_status": "valid",
    "titre_expiry": "15/03/2027",
}


async def test_walkthrough_reaches_rece_outcome(client: Client) -> None:
    await client.walk(RECE_BY_DATE)
    assert "RECE card" in client.text
    assert "108 days left" in client.text
