<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="uk">
<context>
    <name>ContactListModel</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/models.py" line="+169"/>
        <source>Name</source>
        <translation>Ім&apos;я</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Company</source>
        <translation>Компанія</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manager</source>
        <translation>Менеджер</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>(no name)</source>
        <translation>(без імені)</translation>
    </message>
</context>
<context>
    <name>CreateContactDialog</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/create_contact_dialog.py" line="+67"/>
        <source>Create contact</source>
        <translation>Створити контакт</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Open in CRM</source>
        <translation>Відкрити в CRM</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>First and last name</source>
        <translation>Ім&apos;я та прізвище</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name *</source>
        <translation>Ім&apos;я *</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Company</source>
        <translation>Компанія</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>name@example.com</source>
        <translation>name@example.com</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>E-mail</source>
        <translation>Ел. пошта</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Where the caller came from</source>
        <translation>Звідки прийшов клієнт</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Source</source>
        <translation>Джерело</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Medium</source>
        <translation>Канал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Campaign</source>
        <translation>Кампанія</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keyword</source>
        <translation>Ключове слово</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+158"/>
        <source>Create</source>
        <translation>Створити</translation>
    </message>
    <message>
        <location line="-108"/>
        <source>Enter the caller&apos;s name.</source>
        <translation>Введіть ім&apos;я абонента.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The name is too long (at most {limit} characters).</source>
        <translation>Ім&apos;я задовге (не більше {limit} символів).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The name contains characters that cannot be saved.</source>
        <translation>Ім&apos;я містить символи, які неможливо зберегти.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This does not look like an e-mail address.</source>
        <translation>Це не схоже на адресу електронної пошти.</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>Creating…</source>
        <translation>Створення…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>(no name)</source>
        <translation>(без імені)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This number already belongs to {who} in the CRM.</source>
        <translation>У CRM цей номер уже належить контакту {who}.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Create anyway</source>
        <translation>Все одно створити</translation>
    </message>
</context>
<context>
    <name>FallbackMainWindow</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/tray.py" line="+82"/>
        <source>RingoHunt</source>
        <translation>RingoHunt</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Open contact book</source>
        <translation>Відкрити книгу контактів</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Settings…</source>
        <translation>Налаштування…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause pop-ups</source>
        <translation>Призупинити спливні вікна</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quit</source>
        <translation>Вийти</translation>
    </message>
</context>
<context>
    <name>InsiderPanel</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/insider_panel.py" line="+117"/>
        <source>Incoming call</source>
        <translation>Вхідний дзвінок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outgoing call</source>
        <translation>Вихідний дзвінок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Callback</source>
        <translation>Зворотний дзвінок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Call</source>
        <translation>Дзвінок</translation>
    </message>
    <message>
        <location line="+103"/>
        <location line="+378"/>
        <source>Keep this pop-up open</source>
        <translation>Не закривати це вікно</translation>
    </message>
    <message>
        <location line="-374"/>
        <source>Close</source>
        <translation>Закрити</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Copy number</source>
        <translation>Копіювати номер</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Call back</source>
        <translation>Передзвонити</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>{direction}: {number}</source>
        <translation>{direction}: {number}</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Looking up…</source>
        <translation>Пошук…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Could not check the CRM</source>
        <translation>Не вдалося перевірити CRM</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The CRM is not responding.</source>
        <translation>CRM не відповідає.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Retry</source>
        <translation>Повторити</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not in CRM</source>
        <translation>Немає в CRM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create contact</source>
        <translation>Створити контакт</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+27"/>
        <source>(no name)</source>
        <translation>(без імені)</translation>
    </message>
    <message>
        <location line="-22"/>
        <location line="+100"/>
        <source>Manager: {name}</source>
        <translation>Менеджер: {name}</translation>
    </message>
    <message>
        <location line="-93"/>
        <source>Not this one? {count} more with this number</source>
        <translation>Не той? Ще з цим номером: {count}</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+30"/>
        <source>Open in CRM</source>
        <translation>Відкрити в CRM</translation>
    </message>
    <message>
        <location line="-25"/>
        <location line="+98"/>
        <source>{count} contacts share this number</source>
        <translation>Контактів із цим номером: {count}</translation>
    </message>
    <message>
        <location line="-95"/>
        <source>Who is calling? Pick one to see the details.</source>
        <translation>Хто телефонує? Виберіть контакт, щоб побачити подробиці.</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Source: {utm}</source>
        <translation>Джерело: {utm}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>ringing</source>
        <translation>дзвонить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>answered</source>
        <translation>прийнято</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ended</source>
        <translation>завершено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>missed</source>
        <translation>пропущено</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>not in CRM</source>
        <translation>немає в CRM</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Let this pop-up close by itself</source>
        <translation>Дозволити вікну закритися самому</translation>
    </message>
</context>
<context>
    <name>JournalModel</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/models.py" line="+76"/>
        <source>Time</source>
        <translation>Час</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact</source>
        <translation>Контакт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Talk</source>
        <translation>Розмова</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>Джерело</translation>
    </message>
</context>
<context>
    <name>RingoHuntApp</name>
    <message>
        <location filename="../../ringohunt_desktop/app.py" line="+94"/>
        <source>Connecting…</source>
        <translation>Підключення…</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>Cannot call</source>
        <translation>Неможливо зателефонувати</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Call failed</source>
        <translation>Дзвінок не вдався</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Missed call</source>
        <translation>Пропущений дзвінок</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Incoming call</source>
        <translation>Вхідний дзвінок</translation>
    </message>
</context>
<context>
    <name>TrayController</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/tray.py" line="+116"/>
        <source>Syncing contacts: {done} of {total}</source>
        <translation>Синхронізація контактів: {done} з {total}</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>RingoHunt: {state}</source>
        <translation>RingoHunt: {state}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Missed calls: {count}</source>
        <translation>Пропущені дзвінки: {count}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Open contact book</source>
        <translation>Відкрити книгу контактів</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Settings…</source>
        <translation>Налаштування…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pause pop-ups</source>
        <translation>Призупинити спливні вікна</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Quit</source>
        <translation>Вийти</translation>
    </message>
</context>
</TS>
