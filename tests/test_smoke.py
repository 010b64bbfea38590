from bot.testing import Client


async def test_walkthrough_reaches_rece_outcome(client: Client) -> None:
    await client.send("/aps")
    await client.click("Another nationality")
    await client.click("Yes: I have the diploma")
    await client.click("Master, grade de master")
    await client.click("In France, and my titre is still valid")
    await client.send("15/03/2027")
    assert "RECE card" in client.text
    assert "108 days left" in client.text
