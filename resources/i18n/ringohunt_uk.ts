<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="uk">
<context>
    <name>AgentSection</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/settings_dialog.py" line="+521"/>
        <source>Choose yourself, so RingoHunt shows your calls only.</source>
        <translation>Оберіть себе, щоб RingoHunt показував лише ваші дзвінки.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Employee</source>
        <translation>Працівник</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>SIP login or e-mail</source>
        <translation>SIP-логін або ел. пошта</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Or type</source>
        <translation>Або введіть</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Agent</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>(choose)</source>
        <translation>(оберіть)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(test the Ringostat connection first)</source>
        <translation>(спершу перевірте з’єднання з Ringostat)</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Test the Ringostat connection first.</source>
        <translation>Спершу перевірте з’єднання з Ringostat.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose yourself in the list or type your SIP login or e-mail.</source>
        <translation>Оберіть себе у списку або введіть свій SIP-логін чи ел. пошту.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>You are {name} ({email}).</source>
        <translation>Ви — {name} ({email}).</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../ringohunt_desktop/shell/launch.py" line="+92"/>
        <source>Something went wrong inside RingoHunt. It keeps running; the details are in the log (tray menu → Save diagnostics).</source>
        <translation>У RingoHunt сталася помилка. Програма працює далі; подробиці в журналі (меню в треї → Зберегти діагностику).</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>RingoHunt cannot start: a setting has a value it cannot use (see below). Correct it, or ask your IT administrator if the setting comes from them.</source>
        <translation>RingoHunt не може запуститися: одне з налаштувань має значення, яке не можна використати (див. нижче). Виправте його або зверніться до ІТ-адміністратора, якщо це налаштування задали вони.</translation>
    </message>
</context>
<context>
    <name>BehaviourSection</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/settings_dialog.py" line="+504"/>
        <source>When the phone rings</source>
        <translation>Коли телефон дзвонить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>When I answer</source>
        <translation>Коли я відповідаю</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Never (tray notifications only)</source>
        <translation>Ніколи (лише сповіщення в треї)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show the call panel</source>
        <translation>Показувати панель дзвінка</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> s</source>
        <translation> с</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep open</source>
        <translation>Не закривати</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Close the panel after the call</source>
        <translation>Закривати панель після дзвінка</translation>
    </message>
    <message>
        <source>Notify me of missed calls nobody was assigned to</source>
        <translation type="vanished">Сповіщати про пропущені дзвінки, не призначені нікому</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Also of missed calls nobody was assigned to</source>
        <translation>Також про дзвінки, не призначені нікому</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>They stay in the journal and in the missed-call list either way.</source>
        <translation>Вони однаково лишаються в журналі та в списку «Кому передзвонити».</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Missed-call notices</source>
        <translation>Сповіщення про пропущені</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>System language</source>
        <translation>Мова системи</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>A new language shows after RingoHunt restarts.</source>
        <translation>Нова мова з’явиться після перезапуску RingoHunt.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Language</source>
        <translation>Мова</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Start RingoHunt when I sign in to the computer</source>
        <translation>Запускати RingoHunt під час входу в систему</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No balloons, sound or animation</source>
        <translation>Без сповіщень, звуку й анімації</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Calm mode</source>
        <translation>Спокійний режим</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Call times are shown in this computer&apos;s time zone ({zone}), in the panel and in the journal alike.</source>
        <translation>Час дзвінків показано в часовому поясі цього комп’ютера ({zone}) — і на панелі, і в журналі.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Times</source>
        <translation>Час</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Behaviour</source>
        <translation>Поведінка</translation>
    </message>
</context>
<context>
    <name>CallPopups</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/call_popups.py" line="+109"/>
        <source>Missed call</source>
        <extracomment>How late today&apos;s pops were (the tray&apos;s status and the diagnostics show it).</extracomment>
        <translation>Пропущений дзвінок</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Incoming call</source>
        <translation>Вхідний дзвінок</translation>
    </message>
</context>
<context>
    <name>CallSourceSection</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/settings_dialog.py" line="-459"/>
        <source>Most offices poll Ringostat. A call centre whose IT runs a call server (the RingoHunt relay) gets calls from it instead: faster, and without one request after another to Ringostat.</source>
        <translation>Зазвичай RingoHunt опитує Ringostat. Кол-центр, чий IT запустив сервер дзвінків (ретранслятор RingoHunt), отримує дзвінки від нього: швидше і без безперервних запитів до Ringostat.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Polling Ringostat</source>
        <translation>Опитування Ringostat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subscription on the call server</source>
        <translation>Підписка на сервері дзвінків</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Calls arrive by</source>
        <translation>Дзвінки надходять через</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>tls://calls.example.com:4222</source>
        <translation>tls://calls.example.com:4222</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Server address</source>
        <translation>Адреса сервера</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>as IT gave it (empty: the usual one)</source>
        <translation>як видав IT (порожньо: стандартний)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Login</source>
        <translation>Логін</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paste the password</source>
        <translation>Вставте пароль</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Test connection</source>
        <translation>Перевірити з’єднання</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Calls</source>
        <translation>Дзвінки</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Enter the call server&apos;s address (IT has it).</source>
        <translation>Введіть адресу сервера дзвінків (її знає IT).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Use an address like tls://calls.example.com:4222 (plain nats:// only to this computer).</source>
        <translation>Вкажіть адресу на зразок tls://calls.example.com:4222 (звичайний nats:// — лише до цього комп’ютера).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>password</source>
        <translation>пароль</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the password IT gave you.</source>
        <translation>Введіть пароль, який видав IT.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose yourself on the Ringostat page first.</source>
        <translation>Спершу виберіть себе на сторінці Ringostat.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Test the connection to continue.</source>
        <translation>Перевірте з’єднання, щоб продовжити.</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>RingoHunt asks Ringostat for your calls every few seconds.</source>
        <translation>RingoHunt кожні кілька секунд запитує у Ringostat ваші дзвінки.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Testing…</source>
        <translation>Перевірка…</translation>
    </message>
</context>
<context>
    <name>ContactBookWindow</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/contact_book.py" line="+124"/>
        <source>Contacts</source>
        <translation>Контакти</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Type to search; Enter calls the selected contact, Ctrl+O opens it in the CRM, Escape closes</source>
        <translation>Друкуйте, щоб шукати; Enter телефонує вибраному контакту, Ctrl+O відкриває його в CRM, Escape закриває</translation>
    </message>
    <message>
        <location line="+38"/>
        <location line="+340"/>
        <source>Type a name, company or part of a number</source>
        <translation>Введіть ім’я, компанію або частину номера</translation>
    </message>
    <message>
        <location line="-338"/>
        <source>Search contacts</source>
        <translation>Пошук контактів</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Contacts found</source>
        <translation>Знайдені контакти</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Up and Down choose a contact, Enter calls it, Ctrl+O opens it in the CRM; typing goes on searching</source>
        <translation>Стрілки вгору й униз вибирають контакт, Enter телефонує йому, Ctrl+O відкриває його в CRM; введення тексту продовжує пошук</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Check phone numbers…</source>
        <translation>Перевірити номери телефонів…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Numbers not in international form, not numbers at all, shared by several contacts, and contacts without a phone</source>
        <translation>Номери не в міжнародному форматі, записи, що не є номерами, номери кількох контактів і контакти без телефону</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>PHONES</source>
        <translation>ТЕЛЕФОНИ</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No phone number in the CRM</source>
        <translation>У CRM немає номера телефону</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+122"/>
        <source>Open in CRM</source>
        <translation>Відкрити в CRM</translation>
    </message>
    <message>
        <location line="-121"/>
        <source>Open this contact in NetHunt (Ctrl+O)</source>
        <translation>Відкрити цей контакт у NetHunt (Ctrl+O)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Select a contact to see its phones</source>
        <translation>Виберіть контакт, щоб побачити його телефони</translation>
    </message>
    <message numerus="yes">
        <location line="+26"/>
        <source>Syncing contacts from NetHunt: %n so far</source>
        <translation>
            <numerusform>Синхронізація контактів з NetHunt: отримано %n</numerusform>
            <numerusform>Синхронізація контактів з NetHunt: отримано %n</numerusform>
            <numerusform>Синхронізація контактів з NetHunt: отримано %n</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Syncing contacts from NetHunt: {done} of {total}</source>
        <translation>Синхронізація контактів з NetHunt: {done} з {total}</translation>
    </message>
    <message>
        <location line="+73"/>
        <location line="+204"/>
        <source>Call {number}</source>
        <translation>Зателефонувати на {number}</translation>
    </message>
    <message>
        <location line="-200"/>
        <location line="+205"/>
        <source>Copy number</source>
        <translation>Копіювати номер</translation>
    </message>
    <message>
        <location line="-92"/>
        <source>Contacts are still arriving from NetHunt…</source>
        <translation>Контакти ще надходять з NetHunt…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No contacts yet: they arrive with the first sync</source>
        <translation>Контактів ще немає: вони з’являться після першої синхронізації</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Contacts in the local copy: %n</source>
        <translation>
            <numerusform>У локальній копії %n контакт</numerusform>
            <numerusform>У локальній копії %n контакти</numerusform>
            <numerusform>У локальній копії %n контактів</numerusform>
        </translation>
    </message>
    <message>
        <location line="+88"/>
        <source>Copy {number}</source>
        <translation>Копіювати {number}</translation>
    </message>
    <message>
        <location line="-256"/>
        <location line="+172"/>
        <source>Nobody matches “{query}”</source>
        <translation>За запитом «{query}» нікого не знайдено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The sync is still running</source>
        <translation>Синхронізація ще триває</translation>
    </message>
    <message numerus="yes">
        <location line="-174"/>
        <location line="+176"/>
        <source>Found: %n</source>
        <translation>
            <numerusform>Знайдено: %n</numerusform>
            <numerusform>Знайдено: %n</numerusform>
            <numerusform>Знайдено: %n</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>First {count} matches; type more to narrow down</source>
        <translation>Перші {count} збігів; уточніть запит, щоб звузити пошук</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter calls, Ctrl+O opens in CRM, Ctrl+C copies the number</source>
        <translation>Enter — зателефонувати, Ctrl+O — відкрити в CRM, Ctrl+C — копіювати номер</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>(no name)</source>
        <translation>(без імені)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Manager: {name}</source>
        <translation>Менеджер: {name}</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Call</source>
        <translation>Зателефонувати</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Call this number</source>
        <translation>Зателефонувати на цей номер</translation>
    </message>
</context>
<context>
    <name>ContactListModel</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/models.py" line="+200"/>
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
        <location line="+30"/>
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
        <location line="+3"/>
        <source>A new contact in NetHunt with the caller&apos;s number. The name is required; Enter creates the contact, Escape cancels</source>
        <translation>Новий контакт у NetHunt із номером того, хто телефонує. Ім’я обов’язкове; Enter створює контакт, Escape скасовує</translation>
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
    <name>CrmService</name>
    <message>
        <location filename="../../ringohunt_desktop/services/crm.py" line="+66"/>
        <source>The CRM lookup failed unexpectedly.</source>
        <translation>Пошук у CRM неочікувано завершився помилкою.</translation>
    </message>
</context>
<context>
    <name>Failures</name>
    <message>
        <location filename="../../ringohunt_desktop/services/failures.py" line="+34"/>
        <source>Something went wrong; the details are in the log (tray menu → Save diagnostics).</source>
        <translation>Щось пішло не так; подробиці в журналі (меню в треї → Зберегти діагностику).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cannot connect to {service}. Check the internet connection.</source>
        <translation>Немає зв’язку з {service}. Перевірте підключення до інтернету.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{service} did not answer in time. Try again.</source>
        <translation>{service} не відповів вчасно — спробуйте ще раз.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The connection to {service} broke off. Try again.</source>
        <translation>Зв’язок із {service} обірвався — спробуйте ще раз.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{service} did not accept your keys. Check them in Settings.</source>
        <translation>{service} не прийняв ваші ключі доступу — перевірте їх у Налаштуваннях.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{service} is getting too many requests. Wait a minute and try again.</source>
        <translation>{service} отримує забагато запитів — зачекайте хвилину й спробуйте ще раз.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{service} has a failure on its side (error {status}). Try again in a minute.</source>
        <translation>Збій на боці {service} (помилка {status}) — спробуйте ще раз за хвилину.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{service} has a failure on its side. Try again in a minute.</source>
        <translation>Збій на боці {service} — спробуйте ще раз за хвилину.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{service} no longer has this record; it may have been deleted.</source>
        <translation>У {service} більше немає цього запису — можливо, його видалили.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{service} refused the request. Check the details and try again.</source>
        <translation>{service} відхилив запит — перевірте дані й спробуйте ще раз.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{service} sent an answer RingoHunt cannot read. Try again later.</source>
        <translation>{service} надіслав відповідь, яку RingoHunt не може прочитати — спробуйте пізніше.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The certificate of {host} ({service}) is not trusted, so RingoHunt did not connect. If your company checks HTTPS traffic, ask IT to install its certificate on this computer.</source>
        <translation>Сертифікат {host} ({service}) не є довіреним, тому RingoHunt не підключився. Якщо ваша компанія перевіряє HTTPS-трафік, попросіть ІТ-відділ установити її сертифікат на цей комп’ютер.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The certificate of the call server {host} is not trusted on this computer. Ask IT to install the company&apos;s certificate.</source>
        <translation>Сертифікат сервера дзвінків {host} не є довіреним на цьому комп’ютері. Попросіть IT встановити сертифікат компанії.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The call server refused your login. Check it in Settings or ask IT for a new one.</source>
        <translation>Сервер дзвінків не прийняв ваш логін. Перевірте його в налаштуваннях або попросіть у IT новий.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The call server has no place for your calls yet. Ask IT to add you to it (provisioning).</source>
        <translation>На сервері дзвінків ще немає місця для ваших дзвінків. Попросіть IT додати вас (provisioning).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot reach the call server; reconnecting. Calls that come meanwhile appear once it is back.</source>
        <translation>Сервер дзвінків недоступний; перепідключаємося. Дзвінки, що надійдуть тим часом, з’являться, щойно він повернеться.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The phone number is empty.</source>
        <translation>Номер телефону не вказано.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>«{number}» is too long to be a phone number.</source>
        <translation>Текст «{number}» задовгий для номера телефону.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>«{number}» has a «+» in the wrong place.</source>
        <translation>У «{number}» знак «+» стоїть не на своєму місці.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>«{number}» is not a phone number: it contains letters.</source>
        <translation>«{number}» — не номер телефону: у ньому є літери.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>«{number}» is not a phone number: «{character}» cannot be part of one.</source>
        <translation>«{number}» — не номер телефону: символу «{character}» у номері бути не може.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>«{number}» is not a phone number: too few digits.</source>
        <translation>«{number}» — не номер телефону: замало цифр.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>«{number}» has too many digits for a phone number.</source>
        <translation>У «{number}» забагато цифр для номера телефону.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>«{number}» is not a valid phone number. Check the digits.</source>
        <translation>«{number}» — неправильний номер телефону. Перевірте цифри.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>«{number}» is an internal extension, not a full phone number.</source>
        <translation>«{number}» — внутрішній номер, а не повний номер телефону.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>«{number}» cannot be dialled: only tel: and callto: links can be.</source>
        <translation>На «{number}» не можна зателефонувати: підтримуються лише посилання tel: і callto:.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>«{number}» has no phone number in it.</source>
        <translation>У «{number}» немає номера телефону.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Some settings are missing. Open Settings and enter your keys.</source>
        <translation>Не всі налаштування заповнено. Відкрийте Налаштування та введіть ключі.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ringostat has no employee «{agent}». Open Settings and choose yourself in the list.</source>
        <translation>У Ringostat немає працівника «{agent}». Відкрийте Налаштування й оберіть себе у списку.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>NetHunt has no folder «{folder}» you can read. Open Settings and choose the contacts folder.</source>
        <translation>У NetHunt немає доступної вам папки «{folder}». Відкрийте Налаштування й оберіть папку контактів.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You have no SIP login or extension to call from. Ask your Ringostat administrator to add one.</source>
        <translation>У вас немає SIP-логіна чи внутрішнього номера, з якого можна дзвонити. Попросіть адміністратора Ringostat його додати.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The setting «{setting}» has a value RingoHunt cannot use: «{value}». Correct it in Settings, or ask IT if it was set for the whole computer.</source>
        <translation>Налаштування «{setting}» має значення, яке RingoHunt не може використати: «{value}». Виправте його в Налаштуваннях або зверніться до ІТ-відділу, якщо його задано для всього комп’ютера.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>RingoHunt could not start ({detail}). It tries again by itself; if this stays, choose Save diagnostics in the tray menu and send the file to IT.</source>
        <translation>RingoHunt не вдалося запуститися ({detail}). Програма пробує знову сама; якщо це не минає, оберіть «Зберегти діагностику» в меню в треї та надішліть файл ІТ-відділу.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>cannot connect (network or service down)</source>
        <translation>немає з’єднання: мережа або сервіс недоступні</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the service did not answer in time</source>
        <translation>сервіс не відповів вчасно</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the connection was dropped</source>
        <translation>з’єднання обірвалося</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>too many requests</source>
        <translation>забагато запитів</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the certificate of {host} is not trusted</source>
        <translation>сертифікат {host} не є довіреним</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>service error {status}</source>
        <translation>збій сервісу, помилка {status}</translation>
    </message>
</context>
<context>
    <name>FallbackMainWindow</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/tray.py" line="+95"/>
        <source>RingoHunt</source>
        <translation>RingoHunt</translation>
    </message>
    <message>
        <location line="+27"/>
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
    <name>FirstRunWizard</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/settings_dialog.py" line="+672"/>
        <source>Set up RingoHunt</source>
        <translation>Початкове налаштування RingoHunt</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Step 1 of 6: connect to Ringostat, your telephony.</source>
        <translation>Крок 1 з 6: підключіться до Ringostat, вашої телефонії.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Step 2 of 6: who are you in Ringostat?</source>
        <translation>Крок 2 з 6: хто ви в Ringostat?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Step 3 of 6: how your calls reach RingoHunt.</source>
        <translation>Крок 3 з 6: як ваші дзвінки потрапляють у RingoHunt.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Step 4 of 6: connect to NetHunt, your CRM.</source>
        <translation>Крок 4 з 6: підключіться до NetHunt, вашої CRM.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Step 5 of 6: where your contacts are.</source>
        <translation>Крок 5 з 6: де ваші контакти.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Step 6 of 6: how RingoHunt behaves.</source>
        <translation>Крок 6 з 6: як поводиться RingoHunt.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Check again</source>
        <translation>Перевірити ще раз</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Six steps; Enter goes to the next one once the step is complete, Escape closes</source>
        <translation>Шість кроків; Enter переходить до наступного, коли крок заповнено, Escape закриває</translation>
    </message>
    <message>
        <source>Step 1 of 5: connect to Ringostat, your telephony.</source>
        <translation type="vanished">Крок 1 з 5: під’єднання до Ringostat, вашої телефонії.</translation>
    </message>
    <message>
        <source>Step 2 of 5: who are you in Ringostat?</source>
        <translation type="vanished">Крок 2 з 5: хто ви в Ringostat?</translation>
    </message>
    <message>
        <source>Step 3 of 5: connect to NetHunt, your CRM.</source>
        <translation type="vanished">Крок 3 з 5: під’єднання до NetHunt, вашої CRM.</translation>
    </message>
    <message>
        <source>Step 4 of 5: where your contacts are.</source>
        <translation type="vanished">Крок 4 з 5: де зберігаються ваші контакти.</translation>
    </message>
    <message>
        <source>Step 5 of 5: how RingoHunt behaves.</source>
        <translation type="vanished">Крок 5 з 5: як поводиться RingoHunt.</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Finish</source>
        <translation>Готово</translation>
    </message>
</context>
<context>
    <name>FixPreviewDialog</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/hygiene_window.py" line="+153"/>
        <source>Fix phone numbers</source>
        <translation>Виправлення номерів телефонів</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>An earlier fix was interrupted. Continuing it changes what is left of these %n contact(s) in NetHunt:</source>
        <translation>
            <numerusform>Попереднє виправлення перервалося. Продовження змінить у NetHunt те, що лишилося, у %n контакті:</numerusform>
            <numerusform>Попереднє виправлення перервалося. Продовження змінить у NetHunt те, що лишилося, у %n контактах:</numerusform>
            <numerusform>Попереднє виправлення перервалося. Продовження змінить у NetHunt те, що лишилося, у %n контактах:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>These %n number(s) will be rewritten in international form in NetHunt, one contact at a time. Nothing else in the contacts changes, and the changes can be undone.</source>
        <translation>
            <numerusform>%n номер буде переписано в NetHunt у міжнародному форматі, по одному контакту. Більше нічого в контактах не зміниться, а зміни можна скасувати.</numerusform>
            <numerusform>%n номери буде переписано в NetHunt у міжнародному форматі, по одному контакту. Більше нічого в контактах не зміниться, а зміни можна скасувати.</numerusform>
            <numerusform>%n номерів буде переписано в NetHunt у міжнародному форматі, по одному контакту. Більше нічого в контактах не зміниться, а зміни можна скасувати.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Contact</source>
        <translation>Контакт</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Now</source>
        <translation>Зараз</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Will be</source>
        <translation>Стане</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>(removed: a duplicate)</source>
        <translation>(вилучено: дублікат)</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>Fix %n contact(s) in NetHunt</source>
        <translation>
            <numerusform>Виправити %n контакт у NetHunt</numerusform>
            <numerusform>Виправити %n контакти в NetHunt</numerusform>
            <numerusform>Виправити %n контактів у NetHunt</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FolderSection</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/settings_dialog.py" line="-623"/>
        <source>Choose the folder that holds your contacts and tell RingoHunt which fields hold the phone number, the name and the rest.</source>
        <translation>Оберіть папку з контактами та вкажіть, у яких полях зберігаються телефон, ім’я та інші дані.</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+20"/>
        <source>Contacts folder</source>
        <translation>Папка контактів</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>(not used)</source>
        <translation>(не використовується)</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Test the NetHunt connection first.</source>
        <translation>Спершу перевірте з’єднання з NetHunt.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loading the folder&apos;s fields…</source>
        <translation>Завантаження полів папки…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose the field that holds the {what}.</source>
        <translation>Оберіть поле, у якому зберігається {what}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Phone and name cannot be the same field.</source>
        <translation>Телефон та ім’я не можуть бути одним полем.</translation>
    </message>
</context>
<context>
    <name>HotkeyService</name>
    <message>
        <location filename="../../ringohunt_desktop/services/hotkeys.py" line="+75"/>
        <source>Open the caller in the CRM</source>
        <translation>Відкрити абонента в CRM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create a contact for the unknown caller</source>
        <translation>Створити контакт для невідомого абонента</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Call back the oldest missed call</source>
        <translation>Передзвонити на найдавніший пропущений дзвінок</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show the journal</source>
        <translation>Показати журнал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search the contact book</source>
        <translation>Пошук у книзі контактів</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This is too long to be a shortcut.</source>
        <translation>Це задовго для сполучення клавіш.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This contains characters a shortcut cannot have.</source>
        <translation>Тут є символи, яких не може бути в сполученні клавіш.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name a key besides Ctrl, Alt, Shift and Meta, for example Ctrl+Alt+O.</source>
        <translation>Вкажіть клавішу, крім Ctrl, Alt, Shift і Meta, наприклад Ctrl+Alt+O.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>“{key}” is not a key a shortcut can use: use a Latin letter, a digit, F1–F24, Space, Insert, Del, Home, End, PgUp, PgDown or an arrow.</source>
        <translation>«{key}» не підходить для сполучення клавіш: використайте латинську літеру, цифру, F1–F24, Space, Insert, Del, Home, End, PgUp, PgDown або стрілку.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>“{key}”: name the key by its Latin letter, as on an English keyboard (for example Ctrl+Alt+O).</source>
        <translation>«{key}»: назвіть клавішу латинською літерою, як на англійській розкладці (наприклад Ctrl+Alt+O).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A shortcut is modifiers and one key, for example Ctrl+Alt+O.</source>
        <translation>Сполучення клавіш — це модифікатори й одна клавіша, наприклад Ctrl+Alt+O.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{key} is named twice.</source>
        <translation>{key} вказано двічі.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use at least two of Ctrl, Alt, Shift and Meta (for example Ctrl+Alt+O): with fewer, the key would stop working in every other program.</source>
        <translation>Використайте щонайменше дві з клавіш Ctrl, Alt, Shift і Meta (наприклад Ctrl+Alt+O): інакше ця клавіша перестане працювати в усіх інших програмах.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>System-wide shortcuts are not available: a part of RingoHunt is missing (reinstall it). The buttons and menus work as usual.</source>
        <translation>Глобальні сполучення клавіш недоступні: бракує частини RingoHunt (перевстановіть програму). Кнопки й меню працюють як завжди.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Global shortcuts are not available in this desktop session. The buttons, menus and keys inside RingoHunt&apos;s windows work as usual.</source>
        <translation>Глобальні сполучення клавіш недоступні в цьому сеансі робочого столу. Кнопки, меню й клавіші у вікнах RingoHunt працюють як завжди.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{key} works in every program.</source>
        <translation>{key} працює в усіх програмах.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{key} is already taken by another program. Choose another combination.</source>
        <translation>{key} вже зайняте іншою програмою. Виберіть інше сполучення.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{key} is already used for another action here.</source>
        <translation>{key} вже призначено для іншої дії в RingoHunt.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{key}: this keyboard has no such key.</source>
        <translation>{key}: на цій клавіатурі немає такої клавіші.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{key} could not be set up ({detail}).</source>
        <translation>Не вдалося налаштувати {key} ({detail}).</translation>
    </message>
</context>
<context>
    <name>HygieneWindow</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/hygiene_window.py" line="-85"/>
        <source>Certain</source>
        <translation>Напевно</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unsure: read as a foreign number</source>
        <translation>Непевно: прочитано як закордонний номер</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unsure: no such number is known</source>
        <translation>Непевно: такого номера не існує</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unsure: an extension or extra digits would be lost</source>
        <translation>Непевно: загубиться додатковий номер або зайві цифри</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>An internal extension, not a client&apos;s number</source>
        <translation>Внутрішній номер, а не номер клієнта</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not a phone number</source>
        <translation>Не номер телефону</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Likely the same person twice</source>
        <translation>Імовірно, та сама людина двічі</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A company&apos;s common line ({count} contacts)</source>
        <translation>Спільна лінія компанії (контактів: {count})</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Shared by {count} contacts</source>
        <translation>Спільний номер (контактів: {count})</translation>
    </message>
    <message>
        <location line="+101"/>
        <source>Phone number check</source>
        <translation>Перевірка номерів телефонів</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Phone numbers in NetHunt</source>
        <translation>Номери телефонів у NetHunt</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Numbers not saved as +380…: calls from them may not find the contact, and the Ringostat integration may create duplicates. Certain ones can be fixed at once; unsure ones are for a person to check.</source>
        <translation>Номери, збережені не як +380…: за дзвінком із них контакт може не знайтися, а інтеграція Ringostat може створити дублікати. Певні можна виправити одразу; непевні має перевірити людина.</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+3"/>
        <location line="+5"/>
        <source>Contact</source>
        <translation>Контакт</translation>
    </message>
    <message>
        <location line="-8"/>
        <location line="+3"/>
        <location line="+2"/>
        <source>Saved as</source>
        <translation>Збережено як</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Proposed</source>
        <translation>Пропонується</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How sure</source>
        <translation>Певність</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Why</source>
        <translation>Чому</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Number / contact</source>
        <translation>Номер / контакт</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>Company</source>
        <translation>Компанія</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Undo the last fix</source>
        <translation>Скасувати останнє виправлення</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Open in CRM</source>
        <translation>Відкрити в CRM</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open %1 in CRM</source>
        <translation>Відкрити %1 у CRM</translation>
    </message>
    <message numerus="yes">
        <location line="+37"/>
        <source>Not international (%n)</source>
        <translation>
            <numerusform>Не міжнародні (%n)</numerusform>
            <numerusform>Не міжнародні (%n)</numerusform>
            <numerusform>Не міжнародні (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Not numbers (%n)</source>
        <translation>
            <numerusform>Не номери (%n)</numerusform>
            <numerusform>Не номери (%n)</numerusform>
            <numerusform>Не номери (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Shared numbers (%n)</source>
        <translation>
            <numerusform>Спільні номери (%n)</numerusform>
            <numerusform>Спільні номери (%n)</numerusform>
            <numerusform>Спільні номери (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Without phone (%n)</source>
        <translation>
            <numerusform>Без телефону (%n)</numerusform>
            <numerusform>Без телефону (%n)</numerusform>
            <numerusform>Без телефону (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n contact(s) checked in the local copy of NetHunt</source>
        <translation>
            <numerusform>Перевірено %n контакт у локальній копії NetHunt</numerusform>
            <numerusform>Перевірено %n контакти в локальній копії NetHunt</numerusform>
            <numerusform>Перевірено %n контактів у локальній копії NetHunt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Each list shows its first %n; the command ringohunt-desktop contacts audit exports them all.</source>
        <translation>
            <numerusform>Кожен список показує перший %n запис; команда ringohunt-desktop contacts audit вивантажує всі.</numerusform>
            <numerusform>Кожен список показує перші %n записи; команда ringohunt-desktop contacts audit вивантажує всі.</numerusform>
            <numerusform>Кожен список показує перші %n записів; команда ringohunt-desktop contacts audit вивантажує всі.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Continue the interrupted fix…</source>
        <translation>Продовжити перерване виправлення…</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Fix %n certain number(s)…</source>
        <translation>
            <numerusform>Виправити %n певний номер…</numerusform>
            <numerusform>Виправити %n певні номери…</numerusform>
            <numerusform>Виправити %n певних номерів…</numerusform>
        </translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Undoing the last fix…</source>
        <translation>Скасування останнього виправлення…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fixing numbers in NetHunt…</source>
        <translation>Виправлення номерів у NetHunt…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 of %2 contacts</source>
        <translation>%1 з %2 контактів</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Done: %1 contact(s) changed and checked</source>
        <translation>Готово: змінено й перевірено контактів: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>; %1 left alone (changed in NetHunt meanwhile)</source>
        <translation>; не змінено: %1 (тим часом змінені в NetHunt)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>; %1 not confirmed by NetHunt</source>
        <translation>; NetHunt не підтвердив: %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Stopped: %1. Nothing is lost: the fix continues where it stopped when you start it again.</source>
        <translation>Зупинено: %1. Нічого не втрачено: виправлення продовжиться з того самого місця, коли ви запустите його знову.</translation>
    </message>
</context>
<context>
    <name>InboxModel</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/inbox.py" line="+71"/>
        <source>{days} d {hours} h</source>
        <translation>{days} д {hours} год</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{hours} h {minutes:02d} min</source>
        <translation>{hours} год {minutes:02d} хв</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{minutes} min</source>
        <translation>{minutes} хв</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Waiting for a call-back</source>
        <translation>Чекає на дзвінок</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Handled by hand</source>
        <translation>Опрацьовано вручну</translation>
    </message>
    <message>
        <location line="-12"/>
        <location line="+13"/>
        <source>a colleague</source>
        <translation>колега</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Claimed by you · until {time}</source>
        <translation>Ви передзвоните · до {time}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Claimed by {who} · until {time}</source>
        <translation>Передзвонить {who} · до {time}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Called back by {who}, answered</source>
        <translation>Передзвонив(-ла) {who}, відповіли</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Called back by {who}, no answer</source>
        <translation>Передзвонив(-ла) {who}, без відповіді</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>Client</source>
        <translation>Клієнт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Missed</source>
        <translation>Пропущені</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting</source>
        <translation>Чекає</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>Стан</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Call back</source>
        <translation>Передзвонити</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Call {number} now</source>
        <translation>Зателефонувати на {number} зараз</translation>
    </message>
</context>
<context>
    <name>InboxWindow</name>
    <message>
        <location line="+25"/>
        <source>Missed calls to return — RingoHunt</source>
        <translation>Кому передзвонити — RingoHunt</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Missed calls to return</source>
        <translation>Кому передзвонити</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Up and Down choose a client; Enter calls them back</source>
        <translation>Стрілки вгору й униз вибирають клієнта; Enter передзвонює йому</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Mark handled</source>
        <translation>Позначити опрацьованим</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Undo “handled”</source>
        <translation>Скасувати «опрацьовано»</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+168"/>
        <location line="+8"/>
        <source>I&apos;ll call back</source>
        <translation>Я передзвоню</translation>
    </message>
    <message>
        <location line="-174"/>
        <source>Release my claim</source>
        <translation>Зняти мою позначку</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>“I&apos;ll call back” claims are not available here yet: they need subscription mode, where the call server is the place the whole team shares.</source>
        <translation>Позначки «Я передзвоню» тут поки недоступні: для них потрібен режим підписки, де сервер дзвінків — спільне місце для всієї команди.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>“I&apos;ll call back” shows the whole team that you are on it, for {minutes} min; calling the client back ends the claim.</source>
        <translation>«Я передзвоню» показує всій команді, що клієнтом займаєтеся ви, на {minutes} хв; дзвінок клієнтові знімає позначку.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>“I&apos;ll call back” claims are unavailable right now: the call server does not answer. Nothing is lost, and a row still resolves for everyone as soon as anyone calls the client.</source>
        <translation>Позначки «Я передзвоню» зараз недоступні: сервер дзвінків не відповідає. Нічого не втрачено, і рядок однаково закриється для всіх, щойно хтось зателефонує клієнтові.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>A colleague</source>
        <translation>Колега</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who} already said they will call this client back (until {time}). Leave it to them, or call anyway from the “Call back” cell.</source>
        <translation>Цим клієнтом уже займається {who}: передзвонить до {time}. Залиште його колезі або все ж зателефонуйте через клітинку «Передзвонити».</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The claim could not be saved: the call server does not answer right now. Try again in a moment.</source>
        <translation>Позначку не збережено: сервер дзвінків зараз не відповідає. Спробуйте ще раз за мить.</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>Claims need subscription mode</source>
        <translation>Позначки працюють лише в режимі підписки</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Claims unavailable right now</source>
        <translation>Позначки зараз недоступні</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The call server does not answer</source>
        <translation>Сервер дзвінків не відповідає</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tell the whole team you will call this client back</source>
        <translation>Повідомити всю команду, що ви передзвоните цьому клієнтові</translation>
    </message>
    <message>
        <source>“I&apos;ll call back” claims are not available in this version; the rows still resolve for everyone as soon as anyone calls the client.</source>
        <translation type="vanished">Позначки «Я передзвоню» в цій версії недоступні; рядки однаково закриваються для всіх, щойно хтось зателефонує клієнтові.</translation>
    </message>
    <message numerus="yes">
        <source>%n number(s) waiting for a call-back</source>
        <translation type="vanished">
            <numerusform>%n номер чекає на дзвінок</numerusform>
            <numerusform>%n номери чекають на дзвінок</numerusform>
            <numerusform>%n номерів чекають на дзвінок</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InsiderPanel</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/insider_panel.py" line="+179"/>
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
        <location line="+122"/>
        <location line="+745"/>
        <source>Keep this pop-up open</source>
        <translation>Не закривати це вікно</translation>
    </message>
    <message>
        <location line="-741"/>
        <source>Close</source>
        <translation>Закрити</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Copy number</source>
        <translation>Копіювати номер</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Call back</source>
        <translation>Передзвонити</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>{direction}: {number}</source>
        <translation>{direction}: {number}</translation>
    </message>
    <message>
        <location line="+95"/>
        <source>Looking up…</source>
        <translation>Пошук…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Could not check the CRM</source>
        <translation>Не вдалося перевірити CRM</translation>
    </message>
    <message>
        <location line="+191"/>
        <source>The CRM is not responding.</source>
        <translation>CRM не відповідає.</translation>
    </message>
    <message>
        <location line="-188"/>
        <source>Retry</source>
        <translation>Повторити</translation>
    </message>
    <message>
        <location line="-444"/>
        <source>Incoming call from {who}</source>
        <translation>Вхідний дзвінок: {who}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outgoing call to {who}</source>
        <translation>Вихідний дзвінок: {who}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Callback to {who}</source>
        <translation>Зворотний дзвінок: {who}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Call with {who}</source>
        <translation>Дзвінок: {who}</translation>
    </message>
    <message>
        <location line="+182"/>
        <source>Contacts with this number</source>
        <translation>Контакти з цим номером</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Up and Down choose who is calling; Enter shows their details</source>
        <translation>Стрілки вгору й униз вибирають, хто телефонує; Enter показує подробиці</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Note for NetHunt (Enter saves)</source>
        <translation>Нотатка для NetHunt (Enter — зберегти)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Note for NetHunt</source>
        <translation>Нотатка для NetHunt</translation>
    </message>
    <message>
        <location line="+152"/>
        <source>Shown {delay} after the call reached Ringostat</source>
        <translation>Показано через {delay} після дзвінка в Ringostat</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This computer&apos;s clock differs from Ringostat&apos;s, so the delay cannot be shown</source>
        <translation>Годинник цього комп’ютера розходиться з годинником Ringostat, тому затримку показати неможливо</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Last call: {summary}</source>
        <translation>Минулий дзвінок: {summary}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Note saved in NetHunt</source>
        <translation>Нотатку збережено в NetHunt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Note kept: it will be saved when NetHunt answers</source>
        <translation>Нотатку збережено тут: її буде записано, щойно NetHunt відповість</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Note kept with the call: it will be saved when the contact is created</source>
        <translation>Нотатку збережено з дзвінком: її буде записано, щойно з’явиться контакт</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Not in CRM</source>
        <translation>Немає в CRM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create contact</source>
        <translation>Створити контакт</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+27"/>
        <source>(no name)</source>
        <translation>(без імені)</translation>
    </message>
    <message>
        <location line="-22"/>
        <location line="+108"/>
        <source>Manager: {name}</source>
        <translation>Менеджер: {name}</translation>
    </message>
    <message>
        <location line="-101"/>
        <source>Not this one? {count} more with this number</source>
        <translation>Не той? Ще з цим номером: {count}</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+29"/>
        <source>Open in CRM</source>
        <translation>Відкрити в CRM</translation>
    </message>
    <message>
        <location line="-24"/>
        <location line="+110"/>
        <location line="+52"/>
        <source>{count} contacts share this number</source>
        <translation>Контактів із цим номером: {count}</translation>
    </message>
    <message>
        <location line="-159"/>
        <source>Who is calling? Pick one to see the details.</source>
        <translation>Хто телефонує? Виберіть контакт, щоб побачити подробиці.</translation>
    </message>
    <message>
        <location line="+65"/>
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
        <location line="+31"/>
        <location line="+52"/>
        <source>not in CRM</source>
        <translation>немає в CRM</translation>
    </message>
    <message>
        <location line="-47"/>
        <source>could not check the CRM</source>
        <translation>не вдалося перевірити CRM</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Ringing</source>
        <translation>Дзвонить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Call answered</source>
        <translation>Дзвінок прийнято</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Call ended</source>
        <translation>Дзвінок завершено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Missed call</source>
        <translation>Пропущений дзвінок</translation>
    </message>
    <message>
        <location line="+239"/>
        <source>Saving the note…</source>
        <translation>Зберігаю нотатку…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Let this pop-up close by itself</source>
        <translation>Дозволити вікну закритися самому</translation>
    </message>
    <message>
        <location line="+70"/>
        <location line="+3"/>
        <source>{seconds} s</source>
        <translation>{seconds} с</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{minutes} min {seconds} s</source>
        <translation>{minutes} хв {seconds} с</translation>
    </message>
</context>
<context>
    <name>JournalModel</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/models.py" line="-144"/>
        <source>In progress</source>
        <translation>Триває</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+20"/>
        <source>Missed · called back {time} (answered)</source>
        <translation>Пропущено · передзвонили {time} (відповіли)</translation>
    </message>
    <message>
        <location line="-18"/>
        <location line="+20"/>
        <source>Missed · called back {time} (no answer)</source>
        <translation>Пропущено · передзвонили {time} (без відповіді)</translation>
    </message>
    <message>
        <location line="-17"/>
        <location line="+19"/>
        <source>Missed, handled</source>
        <translation>Пропущено, опрацьовано</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Missed</source>
        <translation>Пропущено</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Answered</source>
        <translation>Прийнято</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Busy</source>
        <translation>Зайнято</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Failed</source>
        <translation>Не вдалося</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No answer</source>
        <translation>Без відповіді</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Incoming</source>
        <translation>Вхідний</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outgoing</source>
        <translation>Вихідний</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Callback</source>
        <translation>Зворотний</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other</source>
        <translation>Інший</translation>
    </message>
    <message>
        <location line="+196"/>
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
    <message>
        <location line="+1"/>
        <source>AI summary</source>
        <translation>Підсумок ШІ</translation>
    </message>
</context>
<context>
    <name>JournalWindow</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/journal.py" line="+168"/>
        <source>Call journal</source>
        <translation>Журнал дзвінків</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your calls, newest first. Type to filter by number or name; Enter calls back, Ctrl+O opens the caller in the CRM, Escape closes</source>
        <translation>Ваші дзвінки, найновіші першими. Друкуйте, щоб фільтрувати за номером або ім’ям; Enter передзвонює, Ctrl+O відкриває абонента в CRM, Escape закриває</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>All</source>
        <translation>Усі</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incoming</source>
        <translation>Вхідні</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outgoing</source>
        <translation>Вихідні</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Missed</source>
        <translation>Пропущені</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Which calls to show; Left and Right switch</source>
        <translation>Які дзвінки показувати; стрілки ліворуч і праворуч перемикають</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Period</source>
        <translation>Період</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Today</source>
        <translation>Сьогодні</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 7 days</source>
        <translation>Останні 7 днів</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 30 days</source>
        <translation>Останні 30 днів</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All time</source>
        <translation>За весь час</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dates…</source>
        <translation>Дати…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>From</source>
        <translation>Від</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>To</source>
        <translation>До</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Number or name</source>
        <translation>Номер або ім’я</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Filter by number or name</source>
        <translation>Фільтр за номером або ім’ям</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Calls</source>
        <translation>Дзвінки</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Up and Down choose a call, Enter calls back, Ctrl+O opens the caller in the CRM; typing filters by number or name</source>
        <translation>Стрілки вгору й униз вибирають дзвінок, Enter передзвонює, Ctrl+O відкриває абонента в CRM; введення тексту фільтрує за номером або ім’ям</translation>
    </message>
    <message>
        <location line="+26"/>
        <location line="+171"/>
        <source>Call back</source>
        <translation>Передзвонити</translation>
    </message>
    <message>
        <location line="-169"/>
        <source>Call this number (Enter or double-click)</source>
        <translation>Зателефонувати на цей номер (Enter або подвійне клацання)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+171"/>
        <source>Mark handled</source>
        <translation>Позначити опрацьованим</translation>
    </message>
    <message>
        <location line="-169"/>
        <source>The missed call needs no more attention; it leaves the tray count</source>
        <translation>Пропущений дзвінок більше не потребує уваги й не враховується в лічильнику в треї</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Undo</source>
        <translation>Скасувати</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The calls just marked handled need attention again</source>
        <translation>Щойно позначені дзвінки знову потребують уваги</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+162"/>
        <source>Open in CRM</source>
        <translation>Відкрити в CRM</translation>
    </message>
    <message>
        <location line="-161"/>
        <source>Open the caller&apos;s contact (Ctrl+O)</source>
        <translation>Відкрити контакт абонента (Ctrl+O)</translation>
    </message>
    <message>
        <location line="+291"/>
        <source>No calls match these filters</source>
        <translation>Немає дзвінків за цими фільтрами</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No calls yet</source>
        <translation>Дзвінків ще немає</translation>
    </message>
    <message numerus="yes">
        <location line="-195"/>
        <location line="+197"/>
        <source>Calls: %n</source>
        <translation>
            <numerusform>Дзвінків: %n</numerusform>
            <numerusform>Дзвінків: %n</numerusform>
            <numerusform>Дзвінків: %n</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Newest {count} calls; narrow the filters to see older ones</source>
        <translation>Останні {count} дзвінків; звузьте фільтри, щоб побачити давніші</translation>
    </message>
    <message numerus="yes">
        <source>%n number(s) waiting for a call-back</source>
        <translation type="vanished">
            <numerusform>%n номер чекає на дзвінок</numerusform>
            <numerusform>%n номери чекають на дзвінок</numerusform>
            <numerusform>%n номерів чекають на дзвінок</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Missed calls to handle: %n</source>
        <translation type="vanished">
            <numerusform>Пропущених для опрацювання: %n</numerusform>
            <numerusform>Пропущених для опрацювання: %n</numerusform>
            <numerusform>Пропущених для опрацювання: %n</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>NetHuntSection</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/settings_dialog.py" line="-416"/>
        <source>Use your NetHunt login e-mail and the API key from NetHunt: Settings → Integrations → API key.</source>
        <translation>Вкажіть ел. пошту, з якою ви входите в NetHunt, і API-ключ з NetHunt: Налаштування → Інтеграції → API-ключ.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>name@company.com</source>
        <translation>name@company.com</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Login e-mail</source>
        <translation>Ел. пошта для входу</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Paste the API key</source>
        <translation>Вставте API-ключ</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+21"/>
        <source>API key</source>
        <translation>API-ключ</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>Test connection</source>
        <translation>Перевірити з’єднання</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>NetHunt</source>
        <translation>NetHunt</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Enter your NetHunt login e-mail.</source>
        <translation>Введіть ел. пошту, з якою ви входите в NetHunt.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This does not look like an e-mail address.</source>
        <translation>Це не схоже на адресу електронної пошти.</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Test the connection to continue.</source>
        <translation>Щоб продовжити, перевірте з’єднання.</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Testing…</source>
        <translation>Перевірка…</translation>
    </message>
</context>
<context>
    <name>PopupsStoppedNotice</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/stopped_notice.py" line="+47"/>
        <location line="+6"/>
        <source>Pop-ups stopped</source>
        <translation>Спливні вікна зупинено</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open Settings</source>
        <translation>Відкрити налаштування</translation>
    </message>
</context>
<context>
    <name>RingoHunt</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/widgets.py" line="+143"/>
        <source>Numbers waiting for a call-back: {count}</source>
        <translation>Номерів, що чекають на дзвінок: {count}</translation>
    </message>
</context>
<context>
    <name>RingoHuntApp</name>
    <message>
        <location filename="../../ringohunt_desktop/shell/app.py" line="+163"/>
        <source>Not set up yet: open Settings to enter your keys</source>
        <translation>Ще не налаштовано: відкрийте Налаштування та введіть ключі</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+29"/>
        <source>Connecting…</source>
        <translation>Підключення…</translation>
    </message>
    <message>
        <location line="+133"/>
        <source>Keyboard shortcuts</source>
        <translation>Сполучення клавіш</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Not updating: calls stopped coming through (sign-in refused). This call may be over.</source>
        <translation>Не оновлюється: дзвінки більше не надходять (вхід відхилено). Цей дзвінок, можливо, вже завершився.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not updating: no connection; reconnecting. This call may be over.</source>
        <translation>Не оновлюється: немає з’єднання, підключаємося знову. Цей дзвінок, можливо, вже завершився.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Pop-ups stopped: {service} refused your key</source>
        <translation>Спливні вікна зупинено: {service} відхилив ваш ключ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pop-ups stopped: sign-in refused</source>
        <translation>Спливні вікна зупинено: вхід відхилено</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>No missed calls</source>
        <translation>Немає пропущених дзвінків</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nobody is waiting for a call-back.</source>
        <translation>Ніхто не чекає на зворотний дзвінок.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No call on screen</source>
        <translation>На екрані немає дзвінка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The shortcut works on the caller in the call panel.</source>
        <translation>Це сполучення клавіш діє на абонента в панелі дзвінка.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not in the CRM yet</source>
        <translation>Ще немає в CRM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This caller has no contact to open yet.</source>
        <translation>Для цього абонента ще немає контакту, який можна відкрити.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing to create</source>
        <translation>Нічого створювати</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This caller&apos;s contact is already shown (or the CRM has not answered yet).</source>
        <translation>Контакт цього абонента вже показано (або CRM ще не відповіла).</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Call placed</source>
        <translation>Дзвінок розпочато</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your phone rings first; once connected, dial extension {extension}.</source>
        <translation>Спершу задзвонить ваш телефон; після з’єднання наберіть внутрішній номер {extension}.</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>Cannot open in CRM</source>
        <translation>Не вдається відкрити в CRM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NetHunt gave no link for this contact.</source>
        <translation>NetHunt не надав посилання на цей контакт.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cannot open the browser</source>
        <translation>Не вдається відкрити браузер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No web browser was found. The link is copied: paste it into a browser.</source>
        <translation>Браузер не знайдено. Посилання скопійовано — вставте його в браузер.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Save diagnostics</source>
        <translation>Зберегти діагностику</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zip archive (*.zip)</source>
        <translation>ZIP-архів (*.zip)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Could not save diagnostics</source>
        <translation>Не вдалося зберегти діагностику</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Diagnostics saved</source>
        <translation>Діагностику збережено</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>{hours} h {minutes:02d} min</source>
        <translation>{hours} год {minutes:02d} хв</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{minutes} min</source>
        <translation>{minutes} хв</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Today: {incoming} in, {outgoing} out · {answered} answered · {missed} missed · talk {talk}</source>
        <translation>Сьогодні: {incoming} вхідних, {outgoing} вихідних · {answered} з відповіддю · {missed} пропущених · розмови {talk}</translation>
    </message>
    <message>
        <source>Today: {incoming} in, {outgoing} out · {answered} answered · {missed} missed, {waiting} waiting · talk {talk}</source>
        <translation type="vanished">Сьогодні: {incoming} вхідних, {outgoing} вихідних · {answered} з відповіддю · {missed} пропущених, {waiting} чекають · розмови {talk}</translation>
    </message>
</context>
<context>
    <name>RingostatSection</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/settings_dialog.py" line="-189"/>
        <source>Find the Auth-key and the project ID in Ringostat: Integrations → API.</source>
        <translation>Auth-key та ID проєкту є в Ringostat: Інтеграції → API.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Paste the Auth-key</source>
        <translation>Вставте Auth-key</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+16"/>
        <source>Auth-key</source>
        <translation>Auth-key</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>For example 12345</source>
        <translation>Наприклад, 12345</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Project ID</source>
        <translation>ID проєкту</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Test connection</source>
        <translation>Перевірити з’єднання</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Ringostat</source>
        <translation>Ringostat</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Enter the project ID.</source>
        <translation>Введіть ID проєкту.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The project ID is a number, for example 12345.</source>
        <translation>ID проєкту — це число, наприклад 12345.</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Test the connection to continue.</source>
        <translation>Щоб продовжити, перевірте з’єднання.</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Testing…</source>
        <translation>Перевірка…</translation>
    </message>
</context>
<context>
    <name>SecretField</name>
    <message>
        <location line="-255"/>
        <source>stored</source>
        <translation>збережено</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Change</source>
        <translation>Змінити</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep stored</source>
        <translation>Залишити збережений</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Enter the {what}.</source>
        <translation>Введіть {what}.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The {what} is too long; check that only the key was pasted.</source>
        <translation>{what}: занадто довге значення; перевірте, що вставлено лише ключ.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The {what} cannot contain spaces.</source>
        <translation>{what}: не може містити пробілів.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location line="-99"/>
        <source>Set by your IT department</source>
        <translation>Встановлено вашим ІТ-відділом</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Currently taken from an environment variable or the command line, which wins over the value saved here.</source>
        <translation>Зараз значення береться зі змінної середовища або командного рядка, і воно переважає збережене тут.</translation>
    </message>
    <message>
        <location line="+736"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name</source>
        <translation>Ім’я</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>E-mail</source>
        <translation>Ел. пошта</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Company</source>
        <translation>Компанія</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Responsible manager</source>
        <translation>Відповідальний менеджер</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>UTM source</source>
        <translation>UTM-джерело</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>UTM medium</source>
        <translation>UTM-канал</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>UTM campaign</source>
        <translation>UTM-кампанія</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>UTM keyword</source>
        <translation>UTM-ключове слово</translation>
    </message>
    <message>
        <location line="+699"/>
        <source>RingoHunt settings</source>
        <translation>Налаштування RingoHunt</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Ringostat</source>
        <translation>Ringostat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calls</source>
        <translation>Дзвінки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NetHunt</source>
        <translation>NetHunt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contacts folder</source>
        <translation>Папка контактів</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Behaviour</source>
        <translation>Поведінка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shortcuts</source>
        <translation>Клавіші</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Save</source>
        <translation>Зберегти</translation>
    </message>
</context>
<context>
    <name>SetupChecks</name>
    <message>
        <location filename="../../ringohunt_desktop/services/setup_checks.py" line="+78"/>
        <source>Connected: project {project}, {count} employees</source>
        <translation>З’єднано: проєкт {project}, працівників: {count}</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Signed in as {name}</source>
        <translation>Вхід виконано як {name}</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Connected to the call server: your calls will arrive from it.</source>
        <translation>З’єднано із сервером дзвінків: ваші дзвінки надходитимуть від нього.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Ringostat did not accept this Auth-key. Copy it again from Ringostat (Integrations → API) and check the project ID.</source>
        <translation>Ringostat не прийняв цей Auth-key. Скопіюйте його ще раз у Ringostat (Інтеграції → API) і перевірте ID проєкту.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ringostat asks to slow down. Wait a minute and test again.</source>
        <translation>Ringostat просить зачекати. Спробуйте ще раз за хвилину.</translation>
    </message>
    <message>
        <source>Cannot reach Ringostat ({reason}). Check the internet connection and test again.</source>
        <translation type="vanished">Не вдається зв’язатися з Ringostat ({reason}). Перевірте інтернет і спробуйте ще раз.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Ringostat refused project {project}: {reason}. Check the project ID.</source>
        <translation>Ringostat відмовив у доступі до проєкту {project}: {reason}. Перевірте ID проєкту.</translation>
    </message>
    <message>
        <source>Ringostat answered in an unexpected way ({reason}).</source>
        <translation type="vanished">Ringostat відповів неочікувано ({reason}).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>NetHunt did not accept this e-mail and API key. Copy the key again from NetHunt (Settings → Integrations → API key).</source>
        <translation>NetHunt не прийняв цю ел. пошту та API-ключ. Скопіюйте ключ ще раз у NetHunt (Налаштування → Інтеграції → API-ключ).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>NetHunt asks to slow down. Wait a minute and test again.</source>
        <translation>NetHunt просить зачекати. Спробуйте ще раз за хвилину.</translation>
    </message>
    <message>
        <source>Cannot reach NetHunt ({reason}). Check the internet connection and test again.</source>
        <translation type="vanished">Не вдається зв’язатися з NetHunt ({reason}). Перевірте інтернет і спробуйте ще раз.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>NetHunt does not know this folder any more. Choose another one.</source>
        <translation>У NetHunt більше немає цієї папки. Оберіть іншу.</translation>
    </message>
    <message>
        <source>NetHunt answered in an unexpected way ({reason}).</source>
        <translation type="vanished">NetHunt відповів неочікувано ({reason}).</translation>
    </message>
    <message>
        <location line="-26"/>
        <source>Cannot reach Ringostat: {reason}. Check the internet connection and test again.</source>
        <translation>Не вдається зв’язатися з Ringostat: {reason}. Перевірте інтернет і спробуйте ще раз.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Ringostat answered in an unexpected way: {reason}.</source>
        <translation>Ringostat відповів неочікувано: {reason}.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Cannot reach NetHunt: {reason}. Check the internet connection and test again.</source>
        <translation>Не вдається зв’язатися з NetHunt: {reason}. Перевірте інтернет і спробуйте ще раз.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>NetHunt answered in an unexpected way: {reason}.</source>
        <translation>NetHunt відповів неочікувано: {reason}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The certificate of the call server {host} is not trusted on this computer. Ask IT to install the company&apos;s certificate, or check the address.</source>
        <translation>Сертифікат сервера дзвінків {host} не є довіреним на цьому комп’ютері. Попросіть IT встановити сертифікат компанії або перевірте адресу.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The call server did not accept this login and password. Copy them again from what IT gave you.</source>
        <translation>Сервер дзвінків не прийняв цей логін і пароль. Скопіюйте їх ще раз із того, що видав IT.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The call server has no place for your calls yet. Ask IT to provision you (ringohunt-relay provision).</source>
        <translation>На сервері дзвінків ще немає місця для ваших дзвінків. Попросіть IT додати вас (ringohunt-relay provision).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot reach the call server at {servers}. Check the address, or ask IT whether it is running.</source>
        <translation>Не вдається зв’язатися із сервером дзвінків {servers}. Перевірте адресу або запитайте в IT, чи він працює.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The call server answered in an unexpected way ({reason}).</source>
        <translation>Сервер дзвінків відповів неочікувано ({reason}).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Connected to project {project}, but it has no employees. Add the agents in Ringostat first.</source>
        <translation>З’єднано з проєктом {project}, але в ньому немає працівників. Спершу додайте операторів у Ringostat.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Choose yourself in the list or type your SIP login or e-mail.</source>
        <translation>Оберіть себе у списку або введіть свій SIP-логін чи ел. пошту.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Nobody with the SIP login, e-mail or extension “{identity}” works in this project.</source>
        <translation>У цьому проєкті немає працівника із SIP-логіном, ел. поштою чи внутрішнім номером «{identity}».</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{name} has no SIP account: call pop-ups and click-to-call need one.</source>
        <translation>У {name} немає SIP-акаунта, а він потрібен для спливних вікон дзвінків і дзвінків в один клік.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Signed in as {name}, but this user cannot read any folder. Ask the NetHunt admin for access to the contacts folder.</source>
        <translation>Вхід виконано як {name}, але цей користувач не має доступу до жодної папки. Попросіть адміністратора NetHunt надати доступ до папки контактів.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>This folder has no fields.</source>
        <translation>У цій папці немає полів.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>This Auth-key has characters no Ringostat key has (letters outside Latin, or invisible ones). Copy it again from the Ringostat cabinet.</source>
        <translation>Цей Auth-key містить символи, яких не буває в ключах Ringostat (літери не латиницею або невидимі символи). Скопіюйте його ще раз у кабінеті Ringostat.</translation>
    </message>
    <message>
        <location line="+124"/>
        <source>The test failed unexpectedly; the details are in the log.</source>
        <translation>Перевірка неочікувано завершилася помилкою; подробиці в журналі.</translation>
    </message>
</context>
<context>
    <name>SetupController</name>
    <message>
        <location filename="../../ringohunt_desktop/services/setup_controller.py" line="+170"/>
        <source>This computer has no usable password store ({reason}), so RingoHunt cannot keep the keys you enter here; it never writes them to a plain file. Ask your IT department to set one up, or set the environment variables RINGOHUNT_RINGOSTAT_AUTH_KEY and RINGOHUNT_NETHUNT_API_KEY and start RingoHunt again.</source>
        <translation>На цьому комп’ютері немає придатного сховища паролів ({reason}), тож RingoHunt не зможе зберегти ключі, які ви тут введете: у звичайний файл він їх ніколи не записує. Попросіть ІТ-відділ налаштувати сховище або задайте змінні середовища RINGOHUNT_RINGOSTAT_AUTH_KEY і RINGOHUNT_NETHUNT_API_KEY та запустіть RingoHunt знову.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Nothing was saved: your API keys cannot be stored because this computer has no usable password store ({reason}). RingoHunt never writes keys to a plain file. Ask your IT department, or set the keys in the environment variables RINGOHUNT_RINGOSTAT_AUTH_KEY and RINGOHUNT_NETHUNT_API_KEY.</source>
        <translation>Нічого не збережено: на цьому комп’ютері немає придатного сховища паролів, тож API-ключі зберегти неможливо ({reason}). RingoHunt ніколи не записує ключі у звичайний файл. Зверніться до ІТ-відділу або задайте ключі у змінних середовища RINGOHUNT_RINGOSTAT_AUTH_KEY і RINGOHUNT_NETHUNT_API_KEY.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Nothing was saved: {reason}</source>
        <translation>Нічого не збережено: {reason}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Your keys were saved, but the other settings could not be written ({reason}).</source>
        <translation>Ключі збережено, але інші налаштування записати не вдалося ({reason}).</translation>
    </message>
</context>
<context>
    <name>ShortcutsSection</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/settings_dialog.py" line="-396"/>
        <source>Use system-wide keyboard shortcuts</source>
        <translation>Увімкнути глобальні сполучення клавіш</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>They work while another program is in front: open the caller&apos;s card while you type elsewhere.</source>
        <translation>Вони працюють, навіть коли попереду інша програма: відкривайте картку абонента, не відриваючись від іншого вікна.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>none (for example Ctrl+Alt+O)</source>
        <translation>немає (наприклад Ctrl+Alt+O)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Open the caller and Create contact act on the call panel on screen; Call back rings the client who has waited longest in the missed calls.</source>
        <translation>«Відкрити абонента» і «Створити контакт» діють на панель дзвінка на екрані; «Передзвонити» набирає клієнта, який найдовше чекає серед пропущених дзвінків.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Shortcuts</source>
        <translation>Клавіші</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{key} is set for two actions: {first} and {second}.</source>
        <translation>{key} призначено двом діям: «{first}» і «{second}».</translation>
    </message>
</context>
<context>
    <name>TrayController</name>
    <message>
        <location filename="../../ringohunt_desktop/ui/tray.py" line="-68"/>
        <source>Starting…</source>
        <translation>Запуск…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connected</source>
        <translation>Підключено</translation>
    </message>
    <message>
        <source>Connected (checking for calls every few seconds)</source>
        <translation type="vanished">Підключено (перевірка дзвінків кожні кілька секунд)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Call server unreachable: checking Ringostat every few seconds</source>
        <translation>Сервер дзвінків недоступний: перевіряємо Ringostat кожні кілька секунд</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Offline: no connection, retrying</source>
        <translation>Немає з’єднання, пробуємо знову</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sign-in refused: check Settings</source>
        <translation>Вхід відхилено: перевірте Налаштування</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pop-ups paused</source>
        <translation>Спливні вікна призупинено</translation>
    </message>
    <message>
        <source>Open journal ({count} missed)</source>
        <translation type="vanished">Відкрити журнал (пропущених: {count})</translation>
    </message>
    <message numerus="yes">
        <source>%n number(s) waiting for a call-back</source>
        <translation type="vanished">
            <numerusform>%n номер чекає на дзвінок</numerusform>
            <numerusform>%n номери чекають на дзвінок</numerusform>
            <numerusform>%n номерів чекають на дзвінок</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Open journal</source>
        <translation>Відкрити журнал</translation>
    </message>
    <message>
        <location line="+189"/>
        <source>Cannot call</source>
        <translation>Неможливо зателефонувати</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Calling…</source>
        <translation>Виклик…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Call placed</source>
        <translation>Дзвінок розпочато</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your phone rings first; pick up to be connected to {number}.</source>
        <translation>Спершу задзвонить ваш телефон; підніміть слухавку, щоб з’єднатися з {number}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Call failed</source>
        <translation>Дзвінок не вдався</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Syncing contacts: {done} of {total}</source>
        <translation>Синхронізація контактів: {done} з {total}</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>RingoHunt: {state}</source>
        <translation>RingoHunt: {state}</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Go to the call pop-up</source>
        <translation>Перейти до вікна дзвінка</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Missed calls to return ({count} waiting)</source>
        <translation>Кому передзвонити (чекають: {count})</translation>
    </message>
    <message>
        <source>Missed calls to return ({waiting})</source>
        <translation type="vanished">Кому передзвонити ({waiting})</translation>
    </message>
    <message>
        <source>Missed calls: {count}</source>
        <translation type="vanished">Пропущені дзвінки: {count}</translation>
    </message>
    <message>
        <location line="-32"/>
        <source>Pop-ups today: half within {median} s, 95% within {p95} s ({count})</source>
        <translation>Спливні вікна сьогодні: половина — за {median} с, 95% — за {p95} с ({count})</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Open contact book</source>
        <translation>Відкрити книгу контактів</translation>
    </message>
    <message>
        <source>Missed calls to return ({count})</source>
        <translation type="vanished">Кому передзвонити ({count})</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Missed calls to return</source>
        <translation>Кому передзвонити</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check calls now</source>
        <translation>Перевірити дзвінки зараз</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask Ringostat now for calls that may not have reached RingoHunt</source>
        <translation>Запитати в Ringostat дзвінки, які могли не дійти до RingoHunt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check phone numbers…</source>
        <translation>Перевірити номери телефонів…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Settings…</source>
        <translation>Налаштування…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save diagnostics…</source>
        <translation>Зберегти діагностику…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pause pop-ups</source>
        <translation>Призупинити спливні вікна</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Calm mode</source>
        <translation>Спокійний режим</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No balloons, no sound, panels without animation</source>
        <translation>Без сповіщень і звуку, панелі без анімації</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Quit</source>
        <translation>Вийти</translation>
    </message>
</context>
</TS>
